-- agent-ls for nvim-lspconfig's `require('lspconfig').<name>.setup()` framework (Neovim 0.10).
--
-- On Neovim 0.11+ use lsp/agent_ls.lua with `vim.lsp.enable('agent_ls')` instead (see README.md).
-- nvim-lspconfig does not ship an `agent_ls` config, so this registers one, then sets it up.
-- Copy it into your config (e.g. ~/.config/nvim/lua/agent_ls.lua) and `require('agent_ls')`.

local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.agent_ls then
  configs.agent_ls = {
    default_config = {
      cmd = { 'agent-ls', 'serve' },
      -- No filetypes: the server attaches to every file, for persona actions on a selection in
      -- any language; it gives diagnostics only in agent files. For Markdown only:
      -- filetypes = { 'markdown' },
      root_dir = util.root_pattern('.claude', '.agent-ls.toml', '.git'),
      single_file_support = true,
      -- Only keys you set are sent; the rest come from .agent-ls.toml / pyproject.toml, then the
      -- server's defaults (the keys are listed in README.md and lsp/agent_ls.lua).
      settings = { agentLs = vim.empty_dict() },
    },
    docs = {
      description = 'agent-ls: diagnostics, completion and quick fixes for Claude Code agent files, '
        .. 'and persona code actions on a selection in any file.',
    },
  }
end

require('lspconfig').agent_ls.setup({
  -- cmd = { '/path/to/.venv/bin/agent-ls', 'serve' },
  -- settings = { agentLs = { extraKeys = { 'role' } } },
})
