// Reconnect and resume in the browser: the page talks to confab through a
// TCP proxy; the test cuts every connection through it mid-conversation. The
// page must reconnect by itself, say that the conversation was restored,
// and the next reply's LLM request must still contain the earlier turns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startFakeLlm, startConfab, makeMicWav, launchBrowser, waitForPage, TcpProxy, tempDir, cleanup,
} from './harness.mjs';

async function say(page, text, replies) {
  await page.fill('#text', text);
  await page.click('#composer button[type=submit]');
  return waitForPage(page, (n) => {
    const done = window.confab.log.filter((l) => l.type === 'response.done' && l.status === 'completed');
    return done.length >= n && window.confab.log.filter((l) => l.type === 'assistant_transcript').length >= n
      ? window.confab.log.filter((l) => l.type === 'assistant_transcript')[n - 1].text : null;
  }, replies, { what: `reply ${replies}` });
}

test('the page reconnects by itself and the conversation goes on', { timeout: 120000 }, async () => {
  const dir = tempDir('browser-reconnect');
  const llm = await startFakeLlm(dir, { seed: 9, ttftMs: 50, tokensPerSecond: 80 });
  const server = await startConfab(dir, { llmUrl: llm.url });
  const proxy = new TcpProxy(server.port);
  const proxyPort = await proxy.listen();
  // A silent microphone: this test types.
  const mic = makeMicWav(path.join(dir, 'mic.wav'), [{ silence: 30 }]);
  const { context, page, consoleLines } = await launchBrowser(dir, mic.file);
  try {
    await page.goto(`http://127.0.0.1:${proxyPort}/`);
    await page.click('#start');
    await waitForPage(page, () => window.confab.stats().connection === 'connected', undefined, { what: 'connected' });
    const firstReply = await say(page, 'My name is Ada and I keep a lighthouse.', 1);

    const cut = proxy.cut();
    console.log(`proxy: cut ${cut} connection(s)`);
    assert.ok(cut >= 1);
    const resumed = await waitForPage(page, () => window.confab.log.find((l) => l.type === 'resumed'), undefined,
      { timeoutMs: 20000, what: 'the conversation to be restored' });
    const states = await page.evaluate(() => window.confab.log.filter((l) => l.type === 'connection').map((l) => l.state));
    console.log(`connection states: ${states.join(' -> ')}; restored ${resumed.items} items`);
    assert.ok(states.includes('reconnecting'));
    assert.equal(states[states.length - 1], 'connected');
    assert.equal(resumed.items, 2);
    assert.match(await page.textContent('#transcript'), /conversation restored/);
    const reconnectMs = resumed.t - (await page.evaluate(() => window.confab.log.find((l) => l.type === 'connection' && l.state === 'reconnecting').t));
    console.log(`reconnected and restored ${reconnectMs.toFixed(0)} ms after the drop`);

    await say(page, 'What did I just tell you?', 2);
    const requests = llm.requests();
    assert.equal(requests.length, 2);
    const messages = requests[1].messages;
    const contents = messages.map((m) => `${m.role}: ${m.content}`);
    console.log(`second LLM request: ${JSON.stringify(contents)}`);
    assert.ok(contents.includes('user: My name is Ada and I keep a lighthouse.'));
    assert.ok(contents.includes(`assistant: ${firstReply}`));
    assert.equal(contents[contents.length - 1], 'user: What did I just tell you?');
    // The settings' session.update and every other request were accepted.
    const errors = await page.evaluate(() => window.confab.log.filter((l) => l.type === 'error').map((l) => l.code));
    assert.deepEqual(errors, []);
    assert.equal(await page.isVisible('#error'), false);
  } catch (e) {
    console.log(consoleLines.join('\n'));
    console.log(server.log().split('\n').slice(-40).join('\n'));
    throw e;
  } finally {
    await context.close();
    proxy.close();
    server.stop();
    llm.stop();
    cleanup(dir);
  }
});
