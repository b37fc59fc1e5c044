import { afterAll } from '@jest/globals';
import { SpoolChannel } from '../../environment/SpoolChannel';

// The worker channel a Jest process keeps between test files is removed when the process
// exits. These tests run the environment's code inside Jest's test realm, whose `process`
// never emits `exit`: each file closes the channel its hubs left waiting.
afterAll(() => {
  SpoolChannel.closeIdle();
});
