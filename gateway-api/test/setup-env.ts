/** Keeps fabric-contract-api's start-up logging (the chaincode runs in-process) out of test output. */
process.env['CORE_CHAINCODE_LOGGING_LEVEL'] ??= 'WARNING';
