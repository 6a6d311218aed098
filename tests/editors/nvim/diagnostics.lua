-- Scenario: open an agent file with known problems; record the diagnostics Neovim shows.
-- With args.present / args.absent (lists of codes), wait until the diagnostics have all of the
-- first and none of the second (e.g. after settings reached the server).
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')

local function settled(bufnr)
  local codes = {}
  for _, d in ipairs(H.diagnostics(bufnr)) do
    codes[tostring(d.code)] = true
  end
  for _, code in ipairs(H.args.present or {}) do
    if not codes[code] then
      return false
    end
  end
  for _, code in ipairs(H.args.absent or {}) do
    if codes[code] then
      return false
    end
  end
  return true
end

H.start(function()
  local buf = vim.api.nvim_get_current_buf()
  H.client(buf)
  H.wait_for_diagnostics(buf)
  H.wait('diagnostics with ' .. vim.inspect({ present = H.args.present, absent = H.args.absent }), function()
    return settled(buf)
  end)
  H.result.diagnostics = H.diagnostics(buf)
end)
