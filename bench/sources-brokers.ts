// `npm run bench sources-brokers`: the broker half of bench:sources on its own (bench/_sources-brokers.ts).
import { machineLine } from './_machine.js';
import { stopChildren } from './_processes.js';
import { brokerHalf } from './_sources-brokers.js';

console.log(machineLine());
try {
  await brokerHalf();
} finally {
  stopChildren();
}
