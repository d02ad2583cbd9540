// Push-to-talk in the browser: with server turn detection off, audio goes
// up only while the button is held; releasing it commits the turn and asks
// for a reply, which is spoken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startFakeLlm, startConfab, makeMicWav, launchBrowser, waitForPage, wordErrorRate, tempDir, cleanup,
} from './harness.mjs';

const REFERENCE = 'the expression goes six times ten equals sixty not six hundred thousand that gives us a twelve percent chance';

test('holding the button records a turn; releasing it gets a spoken reply', { timeout: 120000 }, async () => {
  const dir = tempDir('browser-ptt');
  const llm = await startFakeLlm(dir, { seed: 11 });
  const server = await startConfab(dir, { llmUrl: llm.url });
  const mic = makeMicWav(path.join(dir, 'mic.wav'), [{ silence: 2.5 }, 'expression.wav', { silence: 30 }]);
  const { context, page, consoleLines } = await launchBrowser(dir, mic.file);
  try {
    await page.addInitScript(() => {
      const s = JSON.parse(localStorage.getItem('confab.settings') || '{}');
      localStorage.setItem('confab.settings', JSON.stringify({ ...s, pushToTalk: true }));
    });
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.click('#start');
    await waitForPage(page, () => window.confab.stats().connection === 'connected', undefined, { what: 'connected' });
    assert.equal(await page.isVisible('#ptt'), true);
    // Nothing goes up before the button is held.
    await page.waitForTimeout(300);
    const before = await page.evaluate(() => window.confab.stats().framesSent);

    await page.hover('#ptt');
    await page.mouse.down();
    // The recording started with getUserMedia: 2.5 s of silence cover the
    // connection and the wait above, then 6.8 s of speech.
    await page.waitForTimeout(9000);
    await page.mouse.up();

    const heard = await waitForPage(page, () => {
      const e = window.confab.log.find((l) => l.type === 'user_transcript');
      return e && e.text;
    }, undefined, { timeoutMs: 40000, what: 'the transcript of the held turn' });
    const wer = wordErrorRate(REFERENCE, heard);
    const sent = (await page.evaluate(() => window.confab.stats().framesSent)) - before;
    console.log(`push-to-talk: ${sent} events sent while held; transcript "${heard}" WER ${wer.toFixed(3)}`);
    assert.ok(before < 10, `${before} events before the button was held`);
    assert.ok(sent > 300, `only ${sent} frames sent while held`);
    assert.ok(wer <= 0.35, `WER ${wer}`);
    const log = await page.evaluate(() => window.confab.log.map((l) => l.type));
    assert.ok(!log.includes('speech_started'), 'server VAD was still on');

    await waitForPage(page, () => window.confab.log.some((l) => l.type === 'playback_finished'), undefined,
      { timeoutMs: 40000, what: 'the reply to play' });
    const stats = await waitForPage(page, () => {
      const s = window.confab.stats().player;
      return s && s.queued > 0 && s.played === s.queued ? s : null;
    }, undefined, { timeoutMs: 5000, what: 'player counters to settle' });
    assert.equal(stats.silenceMidReply, 0);
    assert.equal(llm.requests().length, 1);
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
