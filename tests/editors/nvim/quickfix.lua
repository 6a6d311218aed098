-- Scenario: put the cursor on a diagnostic (args.target) and apply the quick fix whose title
-- contains args.title_contains with vim.lsp.buf.code_action({ apply = true }); record the buffer
-- before and after, and wait for the fixed diagnostic (args.target.code) to go away.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local function has_code(bufnr, code)
  for _, d in ipairs(H.diagnostics(bufnr)) do
    if d.code == code then
      return true
    end
  end
  return false
end

H.start(function()
  local buf = vim.api.nvim_get_current_buf()
  H.client(buf)
  local target = H.args.target
  H.wait('diagnostic ' .. target.code .. ' before the fix', function()
    return has_code(buf, target.code)
  end)
  H.result.diagnostics_before = H.diagnostics(buf)
  H.result.lines_before = H.lines(buf)
  local tick = vim.b[buf].changedtick

  vim.api.nvim_win_set_cursor(0, { target.line + 1, target.character })
  vim.lsp.buf.code_action({
    apply = true,
    context = { only = { 'quickfix' } },
    filter = function(action)
      return (action.title or ''):find(H.args.title_contains, 1, true) ~= nil
    end,
  })
  H.wait('the quick fix to change the buffer', function()
    return vim.b[buf].changedtick ~= tick
  end, 10000)
  H.result.lines_after = H.lines(buf)
  H.result.modified = vim.bo[buf].modified

  H.wait('diagnostic ' .. target.code .. ' to go away after the fix', function()
    return not has_code(buf, target.code)
  end)
  H.result.diagnostics_after = H.diagnostics(buf)
end)
