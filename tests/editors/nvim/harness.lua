-- Shared helpers for the Neovim end-to-end tests (driven by tests/editors/test_neovim.py).
--
-- A scenario script does `local H = dofile(<this file>)` and `H.start(main)`; `main` records
-- what Neovim saw into `H.result`, which is written as JSON to $AGENT_LS_RESULT.
-- Nothing here can hang: every wait has a timeout, a watchdog ends Neovim with `cquit` when the
-- whole scenario overruns, and menus (vim.ui.select) are answered by the script, never a user.
--
-- Environment (set by the Python test):
--   AGENT_LS_CMD         JSON list: the server command (e.g. [python, "-m", "agent_ls", "serve"])
--   AGENT_LS_CONFIG_DIR  folder holding lsp/agent_ls.lua (editors/neovim): put on 'runtimepath'
--   AGENT_LS_RESULT      file to write the JSON result to
--   AGENT_LS_TEST_ARGS   JSON object: scenario inputs (positions, names, settings)
--   AGENT_LS_TIMEOUT_MS  budget for the whole scenario

local H = {}

H.args = vim.json.decode(vim.env.AGENT_LS_TEST_ARGS or '{}')
H.timeout_ms = tonumber(vim.env.AGENT_LS_TIMEOUT_MS or '') or 20000
H.result = { notifications = {}, menus = {} }

local started_at = vim.uv.hrtime()
local finished = false

--- Milliseconds elapsed since the harness was loaded.
function H.elapsed_ms()
  return math.floor((vim.uv.hrtime() - started_at) / 1e6)
end

local function write_result()
  H.result.elapsed_ms = H.elapsed_ms()
  local path = assert(vim.env.AGENT_LS_RESULT, 'AGENT_LS_RESULT is not set')
  local file = assert(io.open(path, 'w'))
  file:write(vim.json.encode(H.result))
  file:close()
end

--- Records `message` as the failure, writes the result and exits Neovim with status `code`.
function H.fail(message, code)
  if finished then
    return
  end
  finished = true
  H.result.error = tostring(message)
  pcall(write_result)
  io.stderr:write('agent-ls nvim test failed: ' .. tostring(message) .. '\n')
  vim.cmd('cquit! ' .. tostring(code or 1))
end

--- Writes the result and quits Neovim with status 0.
function H.finish()
  if finished then
    return
  end
  finished = true
  write_result()
  vim.cmd('qall!')
end

--- Waits until `predicate()` is true; fails the scenario (naming `what`) when `ms` pass first.
function H.wait(what, predicate, ms)
  local remaining = H.timeout_ms - H.elapsed_ms()
  local budget = math.max(0, math.min(ms or remaining, remaining))
  if not vim.wait(budget, predicate, 20) then
    H.fail('timed out after ' .. budget .. ' ms waiting for ' .. what)
    error('timed out waiting for ' .. what) -- never reached: cquit has exited
  end
end

--- Returns the agent_ls client attached to `bufnr` once it is initialized, or fails.
function H.client(bufnr)
  local client
  H.wait('the agent_ls client to attach and initialize', function()
    client = vim.lsp.get_clients({ bufnr = bufnr, name = 'agent_ls' })[1]
    return client ~= nil and client.initialized == true
  end)
  H.result.client = {
    name = client.name,
    root_dir = client.root_dir,
    offset_encoding = client.offset_encoding,
    settings = client.settings,
    filetype = vim.bo[bufnr].filetype,
  }
  return client
end

--- Returns the diagnostics on `bufnr` as plain data: the LSP diagnostic as the server sent it
--- (code, severity, source, range) and where Neovim placed it (lnum, col, ... 0-based).
function H.diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(out, {
      code = lsp.code or d.code,
      severity = lsp.severity or d.severity,
      source = lsp.source or d.source,
      message = d.message,
      range = lsp.range,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
    })
  end
  table.sort(out, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    return a.col < b.col
  end)
  return out
end

--- Waits until agent-ls has published (or Neovim has pulled) a diagnostic for `bufnr`.
function H.wait_for_diagnostics(bufnr)
  H.wait('diagnostics from agent-ls', function()
    return #vim.diagnostic.get(bufnr) > 0
  end)
  return H.diagnostics(bufnr)
end

--- Selects lines `first`..`last` (0-based) in Visual mode and runs vim.lsp.buf.code_action() from
--- there, as a user would (the menu goes to `H.choose`).
function H.code_action_on_lines(first, last)
  vim.keymap.set('x', '<F12>', function()
    vim.lsp.buf.code_action()
  end)
  vim.api.nvim_win_set_cursor(0, { first + 1, 0 })
  local down = last > first and tostring(last - first) .. 'j' or ''
  vim.api.nvim_feedkeys(vim.keycode('V' .. down .. '<F12><Esc>'), 'x', false)
end

--- Returns the index of the first of `titles` that contains `wanted`, or nil.
function H.index_of(titles, wanted)
  for i, title in ipairs(titles) do
    if title:find(wanted, 1, true) then
      return i
    end
  end
  return nil
end

--- Returns the lines of `bufnr`.
function H.lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

--- Replaces vim.ui.select, vim.ui.input and vim.notify so that menus, questions and messages
--- are recorded, not shown. `H.choose(items, titles)` answers a menu (an index, or nil to
--- cancel) and `H.type(prompt)` a question (text, or nil); by default both cancel.
local function capture_ui()
  H.choose = function()
    return nil
  end
  H.type = function()
    return nil
  end
  H.result.inputs = {}
  vim.ui.input = function(opts, on_confirm)
    local prompt = opts and opts.prompt
    table.insert(H.result.inputs, prompt)
    local typed = H.type(prompt)
    vim.schedule(function()
      on_confirm(typed)
    end)
  end
  vim.ui.select = function(items, opts, on_choice)
    local titles = {}
    for i, item in ipairs(items) do
      titles[i] = opts and opts.format_item and opts.format_item(item) or tostring(item)
    end
    table.insert(H.result.menus, { prompt = opts and opts.prompt, titles = titles })
    local index = H.choose(items, titles)
    vim.schedule(function()
      on_choice(index and items[index] or nil, index)
    end)
  end
  vim.notify = function(message, level)
    table.insert(H.result.notifications, { message = tostring(message), level = level })
  end
end

local function configure()
  vim.opt.runtimepath:prepend((assert(vim.env.AGENT_LS_CONFIG_DIR, 'AGENT_LS_CONFIG_DIR is not set')))
  vim.opt.swapfile = false
  -- The Python ftplugin probes for a Python provider (pynvim), which takes seconds: not needed.
  for _, provider in ipairs({ 'python3', 'node', 'perl', 'ruby' }) do
    vim.g['loaded_' .. provider .. '_provider'] = 0
  end
  vim.opt.shadafile = 'NONE'
  vim.lsp.set_log_level(vim.env.AGENT_LS_NVIM_LOG_LEVEL or 'warn')
  capture_ui()

  -- Only the command differs from the shipped config (the test runs the work tree's server);
  -- filetypes, root markers and settings come from editors/neovim/lsp/agent_ls.lua.
  local cmd = vim.json.decode((assert(vim.env.AGENT_LS_CMD, 'AGENT_LS_CMD is not set')))
  local override = {
    cmd = cmd,
    -- A server that dies (or never starts) ends the scenario at once, not at the timeout.
    on_exit = function(code, signal)
      vim.schedule(function()
        H.fail(('agent-ls exited (code %s, signal %s) before the scenario ended'):format(code, signal), 4)
      end)
    end,
  }
  if H.args.settings then
    override.settings = { agentLs = H.args.settings }
  end
  vim.lsp.config('agent_ls', override)
  vim.lsp.enable('agent_ls')
end

--- Sets Neovim up as a user of editors/neovim would, then runs `main()` once startup is over.
function H.start(main)
  local watchdog = assert(vim.uv.new_timer())
  watchdog:start(H.timeout_ms + 1000, 0, function()
    vim.schedule(function()
      H.fail('watchdog: the scenario ran over ' .. H.timeout_ms .. ' ms', 3)
    end)
  end)

  local ok, err = xpcall(configure, debug.traceback)
  if not ok then
    H.fail('setting up Neovim failed: ' .. tostring(err))
    return
  end

  vim.api.nvim_create_autocmd('VimEnter', {
    once = true,
    callback = function()
      -- Leave the autocommand first: waiting inside it would hold up the rest of startup.
      vim.schedule(function()
        local main_ok, main_err = xpcall(main, debug.traceback)
        if main_ok then
          H.finish()
        else
          H.fail(main_err)
        end
      end)
    end,
  })
end

return H
