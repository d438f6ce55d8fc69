// The contract every JSON frame from the server must meet: the ServerFrame schema of docs/asyncapi.yaml,
// read from the document itself. support.mjs checks every frame its real-server sockets receive; a
// test file that saw a frame outside the contract exits non-zero, which fails ClientLibraryIT.
import fs from 'node:fs';
import YAML from 'yaml';
import Ajv from 'ajv';

const DOCUMENT = new URL('../../../docs/asyncapi.yaml', import.meta.url);
const ID = 'urn:roomcast:asyncapi';

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: ID, components: YAML.parse(fs.readFileSync(DOCUMENT, 'utf8')).components });
const serverFrame = ajv.getSchema(`${ID}#/components/schemas/ServerFrame`);

/** What is wrong with a text frame, as strings; empty when it meets the contract. */
export function violations(text) {
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return [`not JSON: ${text}`];
  }
  return serverFrame(frame) ? [] : [ajv.errorsText(serverFrame.errors)];
}

/** Frames checked so far in this test file, and those that broke the contract. */
export const checked = { frames: 0, broken: [] };

export function check(text) {
  checked.frames++;
  for (const v of violations(text)) checked.broken.push(`${v} in ${text}`);
}

process.on('exit', () => {
  if (checked.broken.length > 0) {
    console.error(`server frames that break docs/asyncapi.yaml:\n${checked.broken.join('\n')}`);
    process.exitCode = 1;
  }
});
