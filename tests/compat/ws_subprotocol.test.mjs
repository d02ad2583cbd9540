// Node's `ws` is an RFC 6455 client that fails a handshake whose answer names
// no protocol after it offered some ("Server sent no subprotocol"). Offered
// the subprotocols of the browser SDKs, confab answers `realtime` and the
// session goes on; offered only protocols confab does not speak, the upgrade
// is refused with a 400 that says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startConfab, tempDir, cleanup } from '../e2e/harness.mjs';

function connect(url, protocols) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    const timer = setTimeout(() => reject(new Error('no answer within 10 s')), 10000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve({ ws, first: JSON.parse(data.toString()) });
    });
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, body, protocolHeader: res.headers['sec-websocket-protocol'] });
      });
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

test('ws negotiates realtime, and an offer without it is refused with 400', { timeout: 60000 }, async () => {
  const dir = tempDir('ws-subprotocol');
  const server = await startConfab(dir);
  try {
    const url = `ws://127.0.0.1:${server.port}/v1/realtime?model=gpt-realtime`;
    const ok = await connect(url, ['realtime', 'openai-insecure-api-key.ek_test_123', 'openai-beta.realtime-v1']);
    assert.equal(ok.ws.protocol, 'realtime');
    assert.equal(ok.first.type, 'session.created');
    ok.ws.close(1000);

    const refused = await connect(url, ['chat', 'openai-insecure-api-key.ek_test_456']);
    assert.equal(refused.status, 400);
    assert.equal(refused.protocolHeader, undefined);
    assert.equal(JSON.parse(refused.body).error.code, 'unsupported_subprotocol');
    assert.equal(refused.body.includes('ek_test_456'), false);
  } catch (e) {
    console.log(server.log());
    throw e;
  } finally {
    server.stop();
    cleanup(dir);
  }
});
