/** Fails the integration run early and clearly when the services are not configured. */
module.exports = async function globalSetup() {
  const missing = ['MONGODB_URI', 'IPFS_API_URL'].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `offchain-store integration tests need ${missing.join(' and ')} (a MongoDB-wire URI and the Kubo RPC API URL)`,
    );
  }
  if (!/--experimental-vm-modules/.test(process.env.NODE_OPTIONS ?? '')) {
    throw new Error(
      'offchain-store integration tests need NODE_OPTIONS=--experimental-vm-modules (use npm run test:integration)',
    );
  }
};
