import assert from 'node:assert/strict';
import { escapeXml, niceTicks, renderLines, renderScatter } from '../../../src/bench/svgChart';

describe('bench: chart helpers (bench/svgChart)', () => {
  it('chart helpers: nice ticks, escaping, no NaN with a single point', () => {
    assert.deepEqual(niceTicks(0, 1, 6), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 0.0137, 5), [0, 0.005, 0.01, 0.015]);
    assert.equal(escapeXml('a<b & "c"'), 'a&lt;b &amp; &quot;c&quot;');
    const s = renderScatter({ title: 't <x>', xLabel: 'x', yLabel: 'y', points: [{ label: 'p&q', x: 1, y: 1, color: '#000' }], formatX: String, formatY: String });
    assert.doesNotMatch(s, /NaN/);
    assert.match(s, /t &lt;x&gt;/);
    assert.match(s, /p&amp;q/);
    const l = renderLines({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', color: '#000', points: [{ x: 1, y: 0.5 }] }], formatX: String, formatY: String, dodge: 0.1 });
    assert.doesNotMatch(l, /NaN/);
  });
});
