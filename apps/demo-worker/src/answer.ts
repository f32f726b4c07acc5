// Answers a worker's pending question from the command line, as the server does for the page:
// `answer --dir <instance dir> (--approve | --reject) [--comment <text>] [--id <request id>]`.
import { parseArgs } from 'node:util';
import { listRequests, respond } from '@fipc/requests';
import { contract } from './contract.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    id: { type: 'string' },
    approve: { type: 'boolean', default: false },
    reject: { type: 'boolean', default: false },
    comment: { type: 'string' },
  },
});
if (!values.dir || values.approve === values.reject) {
  console.error(
    'usage: answer --dir <instance dir> (--approve | --reject) [--comment <text>] [--id <request id>]',
  );
  process.exit(2);
}
const id = values.id ?? (await listRequests(values.dir, { status: 'pending' }))[0]?.id;
if (!id) {
  console.error(`no pending question in ${values.dir}`);
  process.exit(1);
}
const answer = contract.requests.approval.answer.parse({ approved: values.approve, comment: values.comment });
await respond(values.dir, id, answer);
console.log(`answered ${id}: ${JSON.stringify(answer)}`);
