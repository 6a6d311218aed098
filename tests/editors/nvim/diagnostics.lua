-- Scenario: open an agent file with known problems; record the diagnostics Neovim shows.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

H.start(function()
  local buf = vim.api.nvim_get_current_buf()
  H.client(buf)
  H.result.diagnostics = H.wait_for_diagnostics(buf)
end)
