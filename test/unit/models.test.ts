import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OVERWRITE_POLICIES, REASONING_EFFORTS } from '../../src/core/generation/choices';
import { validateSettings } from '../../src/extension/settingsCheck';
import { KNOWN_MODELS, modelChoices, priceText, retiredNote } from '../../src/core/generation/models';

describe('the model table', () => {
  it('marks the models Cerebras retired with the date and suggests gpt-oss-120b', () => {
    assert.equal(retiredNote('llama-3.3-70b'), 'retired by Cerebras on 2026-02-16; use gpt-oss-120b');
    assert.equal(retiredNote('qwen-3-32b'), 'retired by Cerebras on 2026-02-16; use gpt-oss-120b');
    assert.equal(retiredNote('llama3.1-8b'), 'retired by Cerebras on 2026-05-27; use gpt-oss-120b');
    assert.equal(retiredNote('gpt-oss-120b'), undefined);
    assert.equal(retiredNote('zai-glm-4.7'), undefined);
  });

  it('offers every model the service lists, priced where known, retired ones last and still selectable', () => {
    const choices = modelChoices(['llama3.1-8b', 'zai-glm-4.7', 'gpt-oss-120b']);
    assert.deepEqual(
      choices.map((c) => [c.id, c.listed]),
      [
        ['zai-glm-4.7', true],
        ['gpt-oss-120b', true],
        ['llama3.1-8b', true],
        ['llama-3.3-70b', false],
        ['qwen-3-32b', false],
      ],
    );
    assert.equal(priceText('zai-glm-4.7'), 'price unknown');
    assert.equal(priceText('gpt-oss-120b'), '$0.35 / $0.75 per million tokens in / out');
  });

  it('without the service list, offers the known models and does not call any unavailable', () => {
    const choices = modelChoices(undefined);
    assert.deepEqual(
      choices.map((c) => c.id),
      KNOWN_MODELS.map((m) => m.id),
    );
    assert.ok(choices.every((c) => c.listed === undefined));
  });
});

describe('the enumerated options, defined once', () => {
  const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  const props: Record<string, { enum?: string[] }> = Object.assign(
    {},
    ...[pkg.contributes.configuration].flat().map((c: { properties: object }) => c.properties),
  );

  it('are the values package.json offers for turbo.overwrite and turbo.reasoningEffort', () => {
    assert.deepEqual(props['turbo.overwrite'].enum, [...OVERWRITE_POLICIES]);
    assert.deepEqual(props['turbo.reasoningEffort'].enum, ['', ...REASONING_EFFORTS]);
  });

  it('are what the settings check accepts, each one', () => {
    for (const overwrite of OVERWRITE_POLICIES)
      assert.equal(
        validateSettings((key) => (key === 'overwrite' ? overwrite : undefined)).settings.overwrite,
        overwrite,
      );
    for (const effort of REASONING_EFFORTS) {
      const { settings, problems } = validateSettings((key) => (key === 'reasoningEffort' ? effort : undefined));
      assert.deepEqual([settings.reasoningEffort, problems], [effort, []]);
    }
  });
});
