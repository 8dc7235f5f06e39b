/**
 * Grows the channel's ledger to a given height with small `invoice:Issue` submits made straight
 * through fabric-gateway (no API, IPFS or database), to try operations on a long-lived ledger,
 * such as a restart. Submits wait for their commit, so a block holds one or a few transactions:
 * the orderers cut a block 250 ms after its first transaction (`BatchTimeout`).
 *
 *   npm run bench:ledger -- [--blocks HEIGHT] [--concurrency C]
 */
import { connectionFile, gatewayFor } from '../tests/integration/stack';
import { ledgerIssueInput } from './ledger-input';
import { option, run } from './measure';

const TARGET = option('blocks', 3000);
const CONCURRENCY = option('concurrency', 2);

async function main(): Promise<void> {
  const conn = connectionFile();
  const { gateway, client } = gatewayFor('Hospital1MSP');
  const contract = gateway.getNetwork(conn.channel).getContract(conn.chaincode, 'invoice');
  const started = performance.now();
  let height = 0;
  let submitted = 0;
  let reported = 0;
  const worker = async (): Promise<void> => {
    while (height < TARGET) {
      const commit = await contract.submitAsync('Issue', {
        arguments: [JSON.stringify(ledgerIssueInput())],
      });
      const status = await commit.getStatus();
      if (!status.successful) throw new Error(`transaction ${status.transactionId} failed: code ${status.code}`);
      submitted++;
      height = Math.max(height, Number(status.blockNumber) + 1);
      if (reported === 0) {
        reported = height;
      } else if (height - reported >= 250) {
        reported = height;
        console.log(
          `height ${height}, ${submitted} transactions, ${((performance.now() - started) / 1000).toFixed(0)} s`,
        );
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    gateway.close();
    client.close();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`channel ${conn.channel}: height ${height} after ${submitted} transactions in ${seconds.toFixed(0)} s`);
}

run(main);
