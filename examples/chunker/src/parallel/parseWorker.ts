/**
 * The body of a parse worker thread: loads the parser, says it is ready, then parses the
 * files it is sent, one at a time, and replies with the chunks or the serialised error.
 * An exception thrown outside a job is left uncaught on purpose: it kills the worker, and
 * the pool reports the crash with the file it was working on.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { Chunk } from '../parser/Chunk';
import type { ParseOptions } from '../parser/parseSource';
import { parseSource } from '../parser/parseSource';
import { readSourceFile } from '../parser/readSourceFile';
import { serializeFailure } from './serializeFailure';
import type { ParseJob, WorkerReply, WorkerStart } from './workerProtocol';

type Parse = (text: string, options: ParseOptions) => Chunk[] | Promise<Chunk[]>;

const start = workerData as WorkerStart;
const port = parentPort;
if (!port) {
  throw new Error('parseWorker.ts runs inside a worker thread started by ParserPool');
}

const parse: Parse =
  start.parserModule === undefined
    ? parseSource
    : (createRequire(__filename)(start.parserModule) as { parseSource: Parse }).parseSource;

const reply = (message: WorkerReply): void => port.postMessage(message);

port.on('message', async (job: ParseJob) => {
  try {
    const text = job.text ?? (await readSourceFile(job.file, job.options.maxFileBytes));
    const chunks = await parse(text, { ...job.options, file: job.file });
    reply({ type: 'done', id: job.id, chunks });
  } catch (error) {
    reply({ type: 'failed', id: job.id, error: serializeFailure(error) });
  }
});

reply({ type: 'ready' });
