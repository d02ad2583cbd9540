// The microphone: getUserMedia -> the capture worklet, which hands back
// 20 ms PCM16 frames at 24 kHz with their level. The AudioContext runs at
// whatever rate the device gives; the worklet reads it and resamples.
export class Capture {
  constructor(context) {
    this.context = context;
    this.node = null;
    this.stream = null;
    this.onFrame = () => {};
    this.frames = 0;
    this.peak = 0;
  }

  // Throws the getUserMedia error (NotAllowedError when denied).
  async start({ echoCancellation = true, noiseSuppression = true, autoGainControl = true } = {}) {
    this.stop();
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation, noiseSuppression, autoGainControl, channelCount: 1 },
    });
    await this.context.audioWorklet.addModule(new URL('../worklets/capture-worklet.js', import.meta.url));
    this.source = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, 'confab-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    this.node.port.onmessage = (e) => {
      if (e.data.type !== 'frame') return;
      this.frames++;
      this.peak = Math.max(this.peak, e.data.level);
      this.onFrame(e.data.pcm, e.data.level);
    };
    this.source.connect(this.node);
  }

  stop() {
    if (this.source) this.source.disconnect();
    if (this.node) this.node.port.onmessage = null;
    if (this.stream) for (const t of this.stream.getTracks()) t.stop();
    this.source = this.node = this.stream = null;
  }
}
