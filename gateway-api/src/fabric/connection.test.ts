import * as path from 'node:path';
import { parseConnectionProfile } from './connection';

const base = path.resolve('/profiles');

const org = {
  peerEndpoint: 'localhost:7051',
  hostOverride: 'peer0.hospital1.example.com',
  tlsCaPath: 'hospital1/tls-ca.pem',
  certPath: 'hospital1/user/cert.pem',
  keyPath: 'hospital1/user/key.pem',
};

describe('parseConnectionProfile', () => {
  it('accepts the documented shape and resolves relative paths against the profile directory', () => {
    const profile = parseConnectionProfile(
      { channel: 'healthchannel', chaincode: 'hdt', orgs: { Hospital1MSP: org } },
      base,
    );
    expect(profile.channel).toBe('healthchannel');
    expect(profile.orgs['Hospital1MSP']?.certPath).toBe(path.join(base, 'hospital1/user/cert.pem'));
    expect(profile.orgs['Hospital1MSP']?.peerEndpoint).toBe('localhost:7051');
  });

  it('keeps absolute paths', () => {
    const absolute = path.resolve('/etc/hdt/key.pem');
    const profile = parseConnectionProfile(
      { channel: 'c', chaincode: 'hdt', orgs: { Hospital1MSP: { ...org, keyPath: absolute } } },
      base,
    );
    expect(profile.orgs['Hospital1MSP']?.keyPath).toBe(absolute);
  });

  it('names the offending field', () => {
    expect(() =>
      parseConnectionProfile(
        { channel: 'c', chaincode: 'hdt', orgs: { Hospital1MSP: { ...org, peerEndpoint: 'nope' } } },
        base,
      ),
    ).toThrow(/orgs\.Hospital1MSP\.peerEndpoint: must be host:port/);
    expect(() => parseConnectionProfile({ chaincode: 'hdt', orgs: { Hospital1MSP: org } }, base)).toThrow(/channel/);
    expect(() => parseConnectionProfile({ channel: 'c', chaincode: 'hdt', orgs: {} }, base)).toThrow(
      /at least one org/,
    );
  });
});
