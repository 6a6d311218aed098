-- Scenario: pick args.action (a persona review) from the code action menu on lines
-- args.selection.first..last; the report opens (window/showDocument). Then, in the report's
-- buffer, `:AgentLsFollowUp` (from the shipped config) asks for a question with vim.ui.input,
-- answered args.question. Records the questions asked, and the report buffer's lines after each
-- run has ended.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

H.start(function()
  local buf = vim.api.nvim_get_current_buf()
  H.client(buf)
  local ended = 0
  vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(event)
      local value = event.data and event.data.params and event.data.params.value
      if type(value) == 'table' and value.kind == 'end' then
        ended = ended + 1
      end
    end,
  })
  H.choose = function(_, titles)
    return H.index_of(titles, H.args.action)
  end
  H.type = function()
    return H.args.question
  end

  H.code_action_on_lines(H.args.selection.first, H.args.selection.last)
  H.wait('the review to end and its report to open', function()
    return ended >= 1 and vim.api.nvim_buf_get_name(0):match('%.md$') ~= nil
  end, 15000)
  local report = vim.api.nvim_get_current_buf()
  H.result.report = vim.api.nvim_buf_get_name(report)
  H.result.report_before = H.lines(report)

  vim.cmd('AgentLsFollowUp')
  H.wait('the follow-up to end and the report to show its answer', function()
    return ended >= 2 and #H.lines(report) > #H.result.report_before
  end, 15000)
  H.result.report_after = H.lines(report)
  H.result.modified = vim.bo[report].modified
end)
