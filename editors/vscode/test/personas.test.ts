import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  PersonaProgressText,
  agentActionChoices,
  asChooseArgument,
  describeCommandError,
  notOffered,
  personaChoices,
  personaRunArgument,
  reportChoices,
} from '../src/personas';

describe('personaChoices', () => {
  it('reads actions grouped by agent', () => {
    const result = [
      {
        name: 'backend-engineer',
        description: 'APIs and data',
        actions: [
          { id: 'review', title: 'review' },
          { id: 'harden', title: 'backend-engineer: harden error handling', description: 'rewrite' },
        ],
      },
    ];
    assert.deepEqual(personaChoices(result), [
      { agent: 'backend-engineer', action: 'review', label: 'backend-engineer: review' },
      { agent: 'backend-engineer', action: 'harden', label: 'backend-engineer: harden error handling', description: 'rewrite' },
    ]);
  });

  it('reads a flat list, also wrapped in an object', () => {
    const flat = [
      { agent: 'db-expert', action: 'explain', title: 'Explain' },
      { agent: 'db-expert', id: 'review' },
    ];
    const expected = [
      { agent: 'db-expert', action: 'explain', label: 'db-expert: Explain' },
      { agent: 'db-expert', action: 'review', label: 'db-expert: review' },
    ];
    assert.deepEqual(personaChoices(flat), expected);
    assert.deepEqual(personaChoices({ personas: flat }), expected);
    assert.deepEqual(personaChoices({ actions: flat }), expected);
  });

  it('does not take the agent name for the action id in the flat shape', () => {
    assert.deepEqual(personaChoices([{ name: 'a', action: 'review' }]), [{ agent: 'a', action: 'review', label: 'a: review' }]);
    assert.deepEqual(personaChoices([{ name: 'a' }]), []);
  });

  it('skips malformed entries and answers', () => {
    assert.deepEqual(personaChoices(null), []);
    assert.deepEqual(personaChoices('nope'), []);
    assert.deepEqual(personaChoices([1, 'x', { title: 'no agent' }, { agent: 'a', actions: [{ title: 'no id' }, 3] }]), []);
  });
});

describe('personaChoices on the server\'s answer', () => {
  it('reads `{agents: [{name, actions: [{id, title, kind}]}]}`', () => {
    const answer = {
      agents: [
        {
          name: 'backend-engineer',
          description: 'Backend engineer',
          model: 'sonnet',
          source: 'shipped',
          actions: [
            { id: 'review', title: 'review', kind: 'report' },
            { id: 'improve', title: 'improve', kind: 'rewrite' },
          ],
        },
      ],
    };
    assert.deepEqual(personaChoices(answer), [
      { agent: 'backend-engineer', action: 'review', label: 'backend-engineer: review', description: 'report' },
      { agent: 'backend-engineer', action: 'improve', label: 'backend-engineer: improve', description: 'rewrite' },
    ]);
  });
});

describe('personaRunArgument', () => {
  it('is the uri, the LSP range, the agent and the action', () => {
    const range = { start: { line: 1, character: 0 }, end: { line: 4, character: 2 } };
    assert.deepEqual(personaRunArgument('file:///a.py', range, { agent: 'be', action: 'review', label: 'be: review' }), {
      uri: 'file:///a.py',
      range,
      agent: 'be',
      action: 'review',
    });
  });

  it('carries the document version when given', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    assert.equal(personaRunArgument('file:///a.py', range, { agent: 'be', action: 'x', label: 'be: x' }, 7).version, 7);
  });
});

describe('describeCommandError', () => {
  it('says the server lacks the command when it is unknown', () => {
    const message = describeCommandError('agentLs.persona.list', { code: -32601, message: 'Method not found' });
    assert.match(message, /does not offer `agentLs\.persona\.list`/);
    assert.match(describeCommandError('x', new Error('Unknown command x')), /does not offer/);
  });

  it('passes other errors through', () => {
    assert.equal(
      describeCommandError('agentLs.persona.run', { code: -32603, message: 'API key missing' }),
      'agent-ls: `agentLs.persona.run` failed: API key missing',
    );
    assert.match(describeCommandError('c', 'boom'), /failed: boom/);
  });
});

describe('PersonaProgressText', () => {
  it("shows the run's title with its latest message", () => {
    const text = new PersonaProgressText();
    assert.equal(text.next({ kind: 'begin', title: 'backend-engineer: review' }), 'backend-engineer: review');
    assert.equal(
      text.next({ kind: 'report', message: 'Streaming: 120 characters' }),
      'backend-engineer: review: Streaming: 120 characters',
    );
    assert.equal(text.next({ kind: 'report' }), 'backend-engineer: review: Streaming: 120 characters', 'a report without a message keeps the last one');
    assert.equal(text.next({ kind: 'end', message: 'done' }), undefined);
  });

  it('has a title before any begin', () => {
    assert.equal(new PersonaProgressText().next({ kind: 'report', message: 'Applying the edit…' }), 'agent-ls: Applying the edit…');
  });
});

describe('the QuickPick of an agent entry', () => {
  const listed = {
    agents: [
      { name: 'reviewer', actions: [{ id: 'review', title: 'review', kind: 'report' }, { id: 'explain', title: 'explain', kind: 'report' }] },
      { name: 'backend-engineer', actions: [{ id: 'harden', title: 'harden error handling', kind: 'rewrite' }] },
    ],
    notOffered: ["gpt-fan: the API refuses its model 'gpt-4'", 42],
  };

  it("lists that agent's actions by title", () => {
    assert.deepEqual(agentActionChoices(listed, 'reviewer'), [
      { agent: 'reviewer', action: 'review', label: 'review', description: 'report' },
      { agent: 'reviewer', action: 'explain', label: 'explain', description: 'report' },
    ]);
    assert.deepEqual(agentActionChoices(listed, 'nobody'), []);
  });

  it('reads why agents are not offered, ignoring what is not text', () => {
    assert.deepEqual(notOffered(listed), ["gpt-fan: the API refuses its model 'gpt-4'"]);
    assert.deepEqual(notOffered({ agents: [] }), []);
  });

  it('takes the argument the server put on the entry, and refuses anything else', () => {
    const range = { start: { line: 5, character: 0 }, end: { line: 9, character: 0 } };
    const argument = { uri: 'file:///w/a.py', range, agent: 'reviewer', version: 3, scope: 'function f (lines 6-9)' };
    assert.deepEqual(asChooseArgument(argument), argument);
    assert.equal(asChooseArgument({ uri: 'file:///w/a.py', agent: 'reviewer' }), undefined);
    assert.equal(asChooseArgument(undefined), undefined);
  });
});

describe('reportChoices', () => {
  it('lists the kept reports as the server gives them (newest first)', () => {
    const result = {
      folder: 'file:///cache/reports',
      reports: [
        { uri: 'file:///cache/reports/2-a.md', name: '2-a.md' },
        { name: 'no uri' },
        { uri: 'file:///cache/reports/1-b.md' },
      ],
    };
    assert.deepEqual(reportChoices(result), [
      { label: '2-a.md', uri: 'file:///cache/reports/2-a.md' },
      { label: 'file:///cache/reports/1-b.md', uri: 'file:///cache/reports/1-b.md' },
    ]);
    assert.deepEqual(reportChoices(null), []);
  });
});
