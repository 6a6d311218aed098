-- Scenario: select lines args.selection.first..last (0-based) in Visual mode, run
-- vim.lsp.buf.code_action() and pick args.action (a persona rewrite, or an agent's entry "Ask
-- <agent>…" whose command asks which action). Neovim has no change annotations, so the server
-- asks before it edits (window/showMessageRequest, which Neovim shows with vim.ui.select): the
-- scenario answers every menu after the code-action menu with args.answers in order (an action's
-- title, "Apply", "Show diff", "Discard"). Records each question, the buffers Neovim showed (the .diff of "Show diff"), and the
-- source buffer's lines once the action's progress has ended.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

H.start(function()
  local buf = vim.api.nvim_get_current_buf()
  H.client(buf)
  H.result.lines_before = H.lines(buf)
  H.result.questions = {}
  local answers = vim.deepcopy(H.args.answers)
  local ended = false
  vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(event)
      local value = event.data and event.data.params and event.data.params.value
      if type(value) == 'table' and value.kind == 'end' then
        ended = true
      end
    end,
  })

  local picked_action = false
  H.choose = function(_, titles)
    if picked_action then -- the server's questions
      local prompt = H.result.menus[#H.result.menus].prompt
      table.insert(H.result.questions, { prompt = prompt, titles = titles })
      local answer = table.remove(answers, 1)
      for i, title in ipairs(titles) do
        if title == answer then
          return i
        end
      end
      return nil
    end
    picked_action = true -- the code action menu
    return H.index_of(titles, H.args.action)
  end

  H.code_action_on_lines(H.args.selection.first, H.args.selection.last)
  H.wait('the persona action to end', function()
    return ended
  end, 15000)

  H.result.lines_after = H.lines(buf)
  H.result.modified = vim.bo[buf].modified
  H.result.shown = {}
  for _, other in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(other)
    if name:match('%.diff$') then
      table.insert(H.result.shown, { name = name, lines = H.lines(other) })
    end
  end
end)
