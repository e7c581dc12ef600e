// The in-process circuit breakers (the embedded store's; any store without shared ones) run the
// breaker board contract: the "other handle" of each case is the same board, as every worker of
// one process shares it.
import { runBreakerBoardContract } from './contracts/breaker-board.contract.js';
import { LocalBreakerBoard } from './local-breaker-board.js';

runBreakerBoardContract({
  name: 'in-process',
  create: () => {
    const board = new LocalBreakerBoard();
    return Promise.resolve({ boards: [board, board], cleanup: () => Promise.resolve() });
  },
});
