// Barge-in in the browser: the microphone says one sentence and the reply
// starts playing; then the user talks over it. Chromium's fake microphone
// restarts its file whenever getUserMedia is called again, so the test
// changes a microphone setting in the page (which reopens the microphone)
// the moment the reply starts: the recording then plays again over the
// reply, whatever the machine's load made the reply's latency. Playback must
// stop and clear within 300 ms of the page receiving speech_started, and the
// server must receive a truncate for what was actually heard (it answers
// conversation.item.truncated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startFakeLlm, startConfab, makeMicWav, launchBrowser, waitForPage, tempDir, cleanup } from './harness.mjs';

// Long enough (~15 s spoken) to be still playing when the user talks again.
const LONG_REPLY = 'Let me tell you a long story about a lighthouse keeper who lived on a small island. ' +
  'Every evening he climbed the stairs and lit the lamp. Ships passed in the night and never knew his name. ' +
  'One winter a storm came and the lamp went out, so he carried a lantern up to the top. ' +
  'In the morning the sea was calm again and he made himself a cup of tea.';

test('talking over the reply stops playback at once and truncates it', { timeout: 120000 }, async () => {
  const dir = tempDir('browser-barge-in');
  const llm = await startFakeLlm(dir, { reply: LONG_REPLY, ttftMs: 100, tokensPerSecond: 60 });
  const server = await startConfab(dir, { llmUrl: llm.url });
  const mic = makeMicWav(path.join(dir, 'mic.wav'),
    [{ silence: 1.0 }, 'platforms.wav', { silence: 60 }]);
  const { context, page, consoleLines } = await launchBrowser(dir, mic.file);
  try {
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.click('#start');
    await waitForPage(page, () => window.confab.log.some((l) => l.type === 'playback_started'), undefined,
      { timeoutMs: 60000, what: 'the reply to start playing' });
    // Reopen the microphone (automatic gain on): the user speaks again.
    await page.click('#settings summary');
    await page.check('#agc');
    await page.click('#settings-form button[type=submit]');
    const barge = await waitForPage(page, () => window.confab.bargeIns.find((b) => b.why === 'speech_started'),
      undefined, { timeoutMs: 30000, what: 'a barge-in' });
    const speechStarted = await page.evaluate((at) => {
      const starts = window.confab.log.filter((l) => l.type === 'speech_started' && l.t <= at);
      return starts[starts.length - 1].t;
    }, barge.clearedAt);
    const stopMs = barge.clearedAt - speechStarted;
    console.log(`barge-in: playback cleared ${stopMs.toFixed(1)} ms after speech_started; ` +
      `${barge.playedMs} ms of ${barge.item} heard`);
    assert.ok(stopMs < 300, `playback stopped ${stopMs} ms after speech_started`);
    assert.ok(barge.playedMs > 0);

    // Nothing of that reply plays after the clear.
    const truncated = await waitForPage(page, (item) => window.confab.log.find((l) => l.type === 'truncated' && l.item === item),
      barge.item, { timeoutMs: 5000, what: 'conversation.item.truncated' });
    assert.equal(truncated.audioEndMs, barge.playedMs);
    const sent = await page.evaluate(() => window.confab.truncates);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].item_id, barge.item);
    await page.waitForTimeout(500);
    const after = await page.evaluate(() => ({
      stats: window.confab.stats().player,
      started: window.confab.log.filter((l) => l.type === 'playback_started').length,
    }));
    console.log(`player after barge-in: ${JSON.stringify(after.stats)}`);
    assert.equal(after.stats.cleared, 1);
    assert.equal(after.started, 1, 'the interrupted reply started playing again');
    assert.match(await page.getAttribute(`.msg.assistant[data-item="${barge.item}"]`, 'class'), /\binterrupted\b/);
  } catch (e) {
    console.log(consoleLines.join('\n'));
    console.log(server.log().split('\n').slice(-40).join('\n'));
    throw e;
  } finally {
    await context.close();
    server.stop();
    llm.stop();
    cleanup(dir);
  }
});
