-- Scenario: on a file whose quick fix renames it (args.code), apply the fix whose title contains
-- args.title_contains with vim.lsp.buf.code_action({ apply = true }): Neovim's
-- vim.lsp.util.apply_workspace_edit renames the file on disk and the buffer (`:saveas`, which
-- sends didClose and didOpen). Record the buffer's name before and after and the diagnostics
-- Neovim then holds for it; wait for args.code to go away.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(H.diagnostics(bufnr)) do
    table.insert(out, d.code)
  end
  return out
end

H.start(function()
  local buf = vim.api.nvim_get_current_buf()
  H.client(buf)
  local code = H.args.code
  H.wait('diagnostic ' .. code .. ' before the fix', function()
    return vim.tbl_contains(codes(buf), code)
  end)
  H.result.name_before = vim.api.nvim_buf_get_name(buf)
  H.result.codes_before = codes(buf)

  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.lsp.buf.code_action({
    apply = true,
    context = { only = { 'quickfix' } },
    filter = function(action)
      return (action.title or ''):find(H.args.title_contains, 1, true) ~= nil
    end,
  })
  H.wait('the buffer to be renamed', function()
    return vim.api.nvim_buf_get_name(buf) ~= H.result.name_before
  end, 10000)
  H.result.name_after = vim.api.nvim_buf_get_name(buf)
  H.result.modified = vim.bo[buf].modified
  local old = vim.fn.bufnr(H.result.name_before)
  -- Neovim's rename `:bdelete`s the buffer under the old name: unlisted, it may stay loaded
  H.result.old_buffer_listed = old ~= -1 and vim.bo[old].buflisted

  H.wait('diagnostic ' .. code .. ' to go away after the rename', function()
    return not vim.tbl_contains(codes(buf), code)
  end)
  H.result.codes_after = codes(buf)
  H.result.old_buffer_codes = old ~= -1 and codes(old) or {}
end)
