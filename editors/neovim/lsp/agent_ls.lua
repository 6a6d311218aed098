---@brief
---
--- agent-ls: a language server for AI agent definition files (Claude Code sub-agents:
--- Markdown with YAML frontmatter in `.claude/agents/**/*.md` and `agents/*.md`), plus
--- "persona" code actions on a selection in any file.
---
--- ```sh
--- make dist && pip install dist/agent_ls-*.whl   # in a clone, into a venv of its own; gives `agent-ls`
--- ```
---
--- Put the folder holding this `lsp/` directory on 'runtimepath' (or copy this file into
--- `~/.config/nvim/lsp/`), then:
---
--- ```lua
--- vim.lsp.enable('agent_ls')
--- ```
---
--- Override anything with `vim.lsp.config`, e.g. a server from a virtualenv and a setting:
---
--- ```lua
--- vim.lsp.config('agent_ls', {
---   cmd = { vim.fn.expand('~/src/agent-ls/.venv/bin/agent-ls'), 'serve' },
---   settings = { agentLs = { extraKeys = { 'role', 'expertise' } } },
--- })
--- ```
---
--- `filetypes` is left out on purpose: Neovim then attaches the server to every buffer of a real
--- file that has a filetype. Diagnostics, completion and quick fixes only ever apply to agent
--- files (the server decides by path and frontmatter; other Markdown gets nothing), while persona
--- actions ("backend-engineer: review", ...) are offered on a selection in any language. To keep
--- the server to Markdown only (and give up persona actions elsewhere):
--- `vim.lsp.config('agent_ls', { filetypes = { 'markdown' } })`.

local root_markers = { '.claude', '.agent-ls.toml', '.git' }

--- Finds the project root: the nearest folder above the file holding any of `root_markers`,
--- but never the home folder, whose `.claude` is Claude Code's user folder (user agents in
--- `~/.claude/agents` still get diagnostics, without the whole home folder as a workspace).
--- With no root, the server runs for the single file.
---@param bufnr integer
---@param on_dir fun(root_dir?: string)
local function root_dir(bufnr, on_dir)
  local home = vim.fs.normalize(vim.uv.os_homedir() or '')
  on_dir(vim.fs.root(bufnr, function(name, path)
    return vim.tbl_contains(root_markers, name) and vim.fs.normalize(path) ~= home
  end))
end

--- `:AgentLsFollowUp [question]`: asks a follow-up of a persona report's agent; the answer is
--- appended to the report, which Neovim shows again. In a report's buffer it follows up that
--- report, elsewhere it lets you pick one of the workspace's reports (vim.ui.select); without a
--- question it asks for one (vim.ui.input).
---@param opts { args: string }
local function follow_up(opts)
  local client = vim.lsp.get_clients({ bufnr = 0, name = 'agent_ls' })[1]
    or vim.lsp.get_clients({ name = 'agent_ls' })[1]
  if not client then
    vim.notify('agent-ls is not running', vim.log.levels.WARN)
    return
  end
  local function ask(report)
    local function send(question)
      if question and vim.trim(question) ~= '' then
        client:exec_cmd({
          title = 'follow-up',
          command = 'agentLs.persona.followUp',
          arguments = { { report = report, question = question } },
        }, {}, function()
          -- The answer was appended to the file: show it in the report's buffer (unless edited).
          local bufnr = vim.fn.bufnr(vim.uri_to_fname(report))
          if bufnr > 0 and vim.api.nvim_buf_is_loaded(bufnr) and not vim.bo[bufnr].modified then
            vim.api.nvim_buf_call(bufnr, function()
              vim.cmd('silent edit')
            end)
          end
        end)
      end
    end
    if opts.args ~= '' then
      send(opts.args)
    else
      vim.ui.input({ prompt = 'Follow-up question: ' }, send)
    end
  end
  local name = vim.api.nvim_buf_get_name(0)
  local conversation = (name:gsub('%.md$', '.conversation.json'))
  if name:match('%.md$') and vim.uv.fs_stat(conversation) then
    return ask(vim.uri_from_fname(name))
  end
  local params = { command = 'agentLs.persona.reports', arguments = {} }
  client:request('workspace/executeCommand', params, function(err, result)
    if err or not result or #result.reports == 0 then
      vim.notify('agent-ls: there is no persona report yet', vim.log.levels.INFO)
      return
    end
    vim.ui.select(result.reports, {
      prompt = 'Follow up on which report?',
      format_item = function(report)
        return report.name
      end,
    }, function(report)
      if report then
        ask(report.uri)
      end
    end)
  end)
end

---@type vim.lsp.Config
return {
  cmd = { 'agent-ls', 'serve' },
  -- filetypes: omitted, see above.
  root_dir = root_dir,
  on_attach = function()
    vim.api.nvim_create_user_command('AgentLsFollowUp', follow_up, {
      nargs = '?',
      desc = "agent-ls: ask a follow-up of a persona report's agent",
    })
  end,
  settings = {
    -- Sent as the `agentLs` section of workspace/configuration. Only keys you set here are
    -- sent, so values from the project's `.agent-ls.toml` or `[tool.agent-ls]` in pyproject.toml
    -- are not overridden by client defaults. Every key, with the server's default:
    --
    --   extraKeys   = {},                      -- frontmatter keys to accept without a warning
    --   extraTools  = {},                      -- tool names beyond the catalogue (your MCP tools)
    --   agentGlobs  = { '.claude/agents/**/*.md' }, -- extra workspace-relative agent file globs
    --   debounceMs  = 0,                       -- delay between a change and fresh diagnostics
    --   personas = {
    --     defaultModel      = 'claude-sonnet-5-5', -- for agents with `model: inherit` or none
    --     modelOverride     = '',              -- when set, every persona action uses it
    --     apiKeyEnv         = 'ANTHROPIC_API_KEY', -- variable holding the API key
    --     baseUrl           = '',              -- Messages API base URL ('' = SDK default)
    --     maxTokens         = 4096,
    --     timeoutSeconds    = 120,
    --     maxRetries        = 2,
    --     contextLines      = 40,              -- lines of context on each side of a selection
    --     maxSelectionChars = 60000,
    --     maxTurns          = 8,               -- the agent's read-only tool loop (no maxTurns)
    --     secrets           = 'ask',           -- code looks like a secret: ask|refuse|redact|allow
    --     confirm           = 'always',        -- rewrites: ask Apply / Show diff / Discard first
    --   },
    --
    -- An empty dict (not `{}`, which would be sent as a JSON array).
    agentLs = vim.empty_dict(),
  },
}
