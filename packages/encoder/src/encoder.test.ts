// Runs the real converted model (the test run's global setup fetches it once, as `cw stack up` does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Encoder, loadEncoder } from './encoder.ts';
import { encoderDir } from './fetch.ts';

let encoder: Encoder;
beforeAll(async () => {
  encoder = await loadEncoder(encoderDir(process.env['CW_CACHE_DIR']));
});
afterAll(() => encoder.close());

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('encoder', () => {
  it('returns unit-length vectors of the model dimension', async () => {
    const [v] = await encoder.embed(['Контракт с Минобороны: выплата 3 млн рублей']);
    expect(v).toHaveLength(encoder.info.dim);
    expect(Math.sqrt(dot(v as Float32Array, v as Float32Array))).toBeCloseTo(1, 4);
  });

  it('gives a text the same vector whatever else is in the call', async () => {
    const short = 'Погода в Алматы';
    const long =
      'Желающие подписать контракт могут обратиться в пункт отбора на военную службу по контракту, телефон горячей линии 117.';
    const [alone] = await encoder.embed([short]);
    const mixed = await encoder.embed([long, short, long, long, short]);
    expect(dot(alone as Float32Array, mixed[1] as Float32Array)).toBeGreaterThan(0.99999);
    expect(dot(mixed[1] as Float32Array, mixed[4] as Float32Array)).toBeGreaterThan(0.99999);
  });

  it('puts a translation nearer its original than an unrelated text, across languages', async () => {
    const [ru, en, other] = await encoder.embed([
      'Беспилотники прилетели через территорию Казахстана',
      'The drones flew in through the territory of Kazakhstan',
      'Рецепт яблочного пирога с корицей',
    ]);
    expect(dot(ru as Float32Array, en as Float32Array)).toBeGreaterThan(
      dot(ru as Float32Array, other as Float32Array),
    );
  });

  it('starts one thread, and another only when texts wait for it, with the same vectors', async () => {
    const two = await loadEncoder(encoderDir(process.env['CW_CACHE_DIR']), { threads: 2 });
    try {
      const few = ['Погода в Алматы', 'Контракт с Минобороны', 'Курс доллара'];
      const alone = await two.embed(few);
      expect(two.threads()).toBe(1);
      // More texts than a thread clears at once: a second thread is started beside the first.
      const many = Array.from({ length: 200 }, (_, i) => `${few[i % 3]} ${i}`);
      const first = await two.embed(many);
      for (let i = 0; i < 100 && two.threads() < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(two.threads()).toBe(2);
      const again = await two.embed([...many, ...few]);
      many.forEach((_, i) => {
        expect(dot(first[i] as Float32Array, again[i] as Float32Array)).toBeGreaterThan(0.99999);
      });
      few.forEach((_, i) => {
        expect(dot(alone[i] as Float32Array, again[many.length + i] as Float32Array)).toBeGreaterThan(
          0.99999,
        );
      });
    } finally {
      await two.close();
    }
  });

  it('never starts more threads than it is given', async () => {
    const one = await loadEncoder(encoderDir(process.env['CW_CACHE_DIR']), { threads: 1 });
    try {
      await one.embed(Array.from({ length: 200 }, (_, i) => `Контракт с Минобороны ${i}`));
      await new Promise((r) => setTimeout(r, 500));
      expect(one.threads()).toBe(1);
    } finally {
      await one.close();
    }
  });

  it('fails a call on a thread that is gone instead of waiting for it forever', async () => {
    const gone = await loadEncoder(encoderDir(process.env['CW_CACHE_DIR']), { threads: 1 });
    await gone.close();
    await expect(gone.embed(['Погода в Алматы'])).rejects.toThrow(/encoder thread exited/);
  });
});
