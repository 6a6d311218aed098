-- Scenario: in a source file, select lines args.selection.first..last (0-based) in Visual mode
-- and run vim.lsp.buf.code_action(), as a user would; record the titles of the menu Neovim
-- offers. Also record the actions for the same range and for an empty range, requested directly.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local function titles_for(client, buf, range)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    range = range,
    context = { diagnostics = {}, triggerKind = 1 },
  }
  local response, err = client:request_sync('textDocument/codeAction', params, 5000, buf)
  if not response then
    H.fail('textDocument/codeAction failed: ' .. tostring(err))
  end
  if response.err then
    H.fail('textDocument/codeAction error: ' .. vim.inspect(response.err))
  end
  local titles = {}
  for _, action in ipairs(response.result or {}) do
    table.insert(titles, action.title)
  end
  return titles
end

H.start(function()
  local buf = vim.api.nvim_get_current_buf()
  local client = H.client(buf)
  local first, last = H.args.selection.first, H.args.selection.last

  -- What a user does: select the lines, then code_action() from Visual mode.
  H.code_action_on_lines(first, last)
  H.wait('the code action menu (or "No code actions available")', function()
    return #H.result.menus > 0 or #H.result.notifications > 0
  end, 10000)

  local last_line = vim.api.nvim_buf_get_lines(buf, last, last + 1, false)[1]
  H.result.selection_titles = titles_for(client, buf, {
    start = { line = first, character = 0 },
    ['end'] = { line = last, character = vim.str_utfindex(last_line, 'utf-16') },
  })
  H.result.empty_range_titles = titles_for(client, buf, {
    start = { line = first, character = 0 },
    ['end'] = { line = first, character = 0 },
  })
end)
