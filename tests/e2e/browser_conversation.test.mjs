// The browser client end to end: headless Chromium with a real recording as
// its microphone, the real confab (pocketsphinx, flite, WebRTC VAD) and the
// fake LLM. A spoken turn appears in the page's transcript and gets a spoken
// reply that plays completely without gaps; a typed message gets a spoken
// reply too, and its LLM request carries the spoken turn. A screenshot of
// the page mid-conversation is saved under build/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startFakeLlm, startConfab, makeMicWav, launchBrowser, waitForPage, saveScreenshotPath, wordErrorRate,
  tempDir, cleanup,
} from './harness.mjs';

const REFERENCE = 'the expression goes six times ten equals sixty not six hundred thousand that gives us a twelve percent chance';
// pocketsphinx measures 5-21% on this recording through the server
// (bench/results/stt.md); the browser adds its capture and resampling.
const WER_BOUND = 0.35;

function playbackComplete(stats) {
  return stats && stats.queued > 0 && stats.played === stats.queued;
}

test('a spoken turn and a typed message each get a spoken reply in the browser', { timeout: 150000 }, async () => {
  const dir = tempDir('browser-conversation');
  const llm = await startFakeLlm(dir, { seed: 5 });
  const server = await startConfab(dir, { llmUrl: llm.url });
  const mic = makeMicWav(path.join(dir, 'mic.wav'), [{ silence: 1.0 }, 'expression.wav', { silence: 1.0 }]);
  const { context, page, consoleLines } = await launchBrowser(dir, mic.file);
  try {
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.click('#start');

    // The user's words appear in the transcript, partials then final.
    const heard = await waitForPage(page, () => {
      const e = window.confab.log.find((l) => l.type === 'user_transcript');
      return e && e.text;
    }, undefined, { timeoutMs: 40000, what: 'the final user transcript' });
    const shown = await page.textContent('.msg.user');
    assert.equal(shown, heard);
    const wer = wordErrorRate(REFERENCE, heard);
    console.log(`user transcript: "${heard}" WER ${wer.toFixed(3)} (bound ${WER_BOUND})`);
    assert.ok(wer <= WER_BOUND, `WER ${wer} > ${WER_BOUND}: "${heard}"`);
    const capture = await page.evaluate(() => window.confab.stats().capture);
    assert.ok(capture.peak > 0.01, `the microphone delivered silence (peak ${capture.peak})`);
    console.log(`capture: context rate ${capture.rate} Hz, ${capture.frames} frames, peak level ${capture.peak.toFixed(3)}`);

    // The reply plays: screenshot while it does, then every queued sample
    // must have been played and no silence inserted mid-reply.
    await waitForPage(page, () => window.confab.log.some((l) => l.type === 'playback_started'), undefined,
      { what: 'reply playback' });
    await page.waitForTimeout(400);
    const shot = saveScreenshotPath('browser-conversation.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    await waitForPage(page, () => window.confab.log.some((l) => l.type === 'playback_finished'), undefined,
      { what: 'reply playback to finish' });
    const first = await waitForPage(page, () => {
      const s = window.confab.stats().player;
      return s && s.queued > 0 && s.played === s.queued ? s : null;
    }, undefined, { timeoutMs: 5000, what: 'player counters to settle' });
    console.log(`first reply: player ${JSON.stringify(first)}`);
    assert.ok(playbackComplete(first));
    assert.equal(first.silenceMidReply, 0, 'silence inserted mid-reply');
    const latencyText = await page.textContent('#latency');
    assert.match(latencyText, /latency \d+ ms/);
    console.log(`page shows ${latencyText} (speech_stopped -> first audio sent, from confab.response.timings)`);
    const timings = await page.evaluate(() => window.confab.log.find((l) => l.type === 'timings').timings);
    console.log(`server timings: ${JSON.stringify(timings)}`);
    const firstAudio = await page.evaluate(() => window.confab.log.find((l) => l.type === 'first_audio'));
    console.log(`client: speech_stopped -> first reply audio received ${firstAudio.sinceTurnEndMs.toFixed(0)} ms`);

    // A typed message gets a spoken reply, and the LLM sees the spoken turn.
    await page.fill('#text', 'Tell me something about lighthouses.');
    await page.click('#composer button[type=submit]');
    await waitForPage(page, () => window.confab.log.filter((l) => l.type === 'playback_finished').length >= 2,
      undefined, { what: 'the typed reply to play' });
    const second = await waitForPage(page, () => {
      const s = window.confab.stats().player;
      return s && s.played === s.queued && s.chunks > 0 ? s : null;
    }, undefined, { timeoutMs: 5000, what: 'player counters to settle' });
    console.log(`after the typed reply: player ${JSON.stringify(second)}`);
    assert.ok(second.queued > first.queued);
    assert.equal(second.silenceMidReply, 0, 'silence inserted mid-reply');
    const requests = llm.requests();
    assert.equal(requests.length, 2);
    const contents = requests[1].messages.map((m) => m.content).join('\n');
    assert.ok(contents.includes(heard), 'the typed turn\'s request lacks the spoken turn');
    assert.ok(contents.includes('Tell me something about lighthouses.'));
    const assistantTexts = await page.$$eval('.msg.assistant', (els) => els.map((e) => e.textContent));
    assert.equal(assistantTexts.length, 2);
    assert.ok(assistantTexts.every((t) => t.length > 0));
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
    server.stop();
    llm.stop();
    cleanup(dir);
  }
});
