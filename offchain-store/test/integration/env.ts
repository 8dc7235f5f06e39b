export interface IntegrationEnv {
  readonly mongodbUri: string;
  readonly ipfsApiUrl: string;
}

/** The services under test; global-setup.js has already checked they are set. */
export function integrationEnv(): IntegrationEnv {
  const mongodbUri = process.env['MONGODB_URI'];
  const ipfsApiUrl = process.env['IPFS_API_URL'];
  if (!mongodbUri || !ipfsApiUrl) throw new Error('MONGODB_URI and IPFS_API_URL must be set');
  return { mongodbUri, ipfsApiUrl };
}

/** An http(s) base URL for the Kubo RPC API, also when it was given as a multiaddr. */
export function kuboHttpBase(apiUrl: string): string {
  const multiaddr = /^\/(?:ip4|dns4?|dns6)\/([^/]+)\/tcp\/(\d+)(?:\/(https?))?/.exec(apiUrl);
  if (multiaddr) return `${multiaddr[3] ?? 'http'}://${multiaddr[1] ?? ''}:${multiaddr[2] ?? ''}`;
  return apiUrl.replace(/\/+$/, '').replace(/\/api\/v0$/, '');
}
