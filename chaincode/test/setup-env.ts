/** Keeps fabric-contract-api's start-up logging out of test output unless asked for. */
process.env['CORE_CHAINCODE_LOGGING_LEVEL'] ??= 'WARNING';
