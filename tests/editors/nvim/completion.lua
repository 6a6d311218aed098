-- Scenario: ask for completion at a position (args.position, LSP 0-based) of an agent file, the
-- way Neovim's own client sends it; record the items offered.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

H.start(function()
  local buf = vim.api.nvim_get_current_buf()
  local client = H.client(buf)
  local position = H.args.position
  -- The position is past the end of the line (after "tools: Read, "), where only Insert mode can
  -- put the cursor, so the params are built from it rather than from the cursor.
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    position = position,
    context = { triggerKind = 1 },
  }
  local response, err = client:request_sync('textDocument/completion', params, 5000, buf)
  if not response then
    H.fail('textDocument/completion failed: ' .. tostring(err))
  end
  if response.err then
    H.fail('textDocument/completion error: ' .. vim.inspect(response.err))
  end
  local result = response.result or {}
  local items = result.items or result
  H.result.is_incomplete = result.isIncomplete
  H.result.items = {}
  for _, item in ipairs(items) do
    table.insert(H.result.items, {
      label = item.label,
      kind = item.kind,
      new_text = item.textEdit and item.textEdit.newText or item.insertText,
    })
  end
end)
