-- A headless Neovim (0.7 or later) session that checks dlc's editor support
-- through Neovim's built-in LSP client and the Vim syntax files:
--   * `dlc lsp` starts, attaches, and publishes the shape error of the file
--     on the `let bad` line;
--   * hover on the binding `h` answers its shape, `h: f32[N, 128]`;
--   * editor/vim detects the .dl filetype and highlights keywords, types,
--     dimensions, operators and comments.
-- Run by nvim_test.sh with `nvim --headless -u init.lua` (no user config) and
-- DLC, DL_FILE, EDITOR_DIR and RESULT in the environment. Each check writes
-- an "ok:" or "FAIL:" line to RESULT; a failure exits with status 1.

local dlc = os.getenv('DLC')
local file = os.getenv('DL_FILE')
local editor_dir = os.getenv('EDITOR_DIR')
local result_path = os.getenv('RESULT')

vim.opt.runtimepath:prepend(editor_dir .. '/vim')
vim.opt.swapfile = false
vim.cmd('filetype plugin on')
vim.cmd('syntax on')

local lines_out = {}
local failed = false

local function check(ok, what, detail)
  local line = (ok and 'ok: ' or 'FAIL: ') .. what
  if not ok and detail ~= nil then line = line .. ' -- got: ' .. vim.inspect(detail) end
  table.insert(lines_out, line)
  if not ok then failed = true end
  return ok
end

local function finish()
  local f = io.open(result_path, 'w')
  if f then
    f:write(table.concat(lines_out, '\n') .. '\n')
    f:close()
  end
  if failed then vim.cmd('cquit 1') else vim.cmd('qall!') end
end

-- The 0-based line of the first line containing `needle`, and the 0-based
-- column of `needle` in it.
local function find(bufnr, needle)
  for i, text in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = text:find(needle, 1, true)
    if col then return i - 1, col - 1 end
  end
  error('the test file has no line with ' .. needle)
end

local function syntax_at(line, col)
  return vim.fn.synIDattr(vim.fn.synID(line + 1, col + 1, 1), 'name')
end

local function check_lsp(bufnr)
  local client_id = vim.lsp.start_client({
    name = 'dlc',
    cmd = { dlc, 'lsp' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
  })
  if not check(client_id ~= nil, 'vim.lsp.start_client starts `dlc lsp`') then return end
  check(vim.lsp.buf_attach_client(bufnr, client_id), 'the client attaches to the buffer')

  local arrived = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  local diagnostics = vim.diagnostic.get(bufnr)
  if check(arrived, 'diagnostics arrive') then
    local bad_line = find(bufnr, 'let bad =')
    local d = diagnostics[1]
    check(#diagnostics == 1, 'exactly one diagnostic', diagnostics)
    check(d.lnum == bad_line, 'the diagnostic is on the `let bad` line (' .. (bad_line + 1) .. ')', d)
    check(d.severity == vim.diagnostic.severity.ERROR, 'the diagnostic is an error', d)
    check(d.message:find('matrix product needs matching inner dimensions', 1, true) ~= nil,
          'the diagnostic says what is wrong', d.message)
  end

  local line, col = find(bufnr, 'let h = ')
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = col + 4 },  -- the `h`
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 10000)
  local text = ''
  for _, response in pairs(responses or {}) do
    local contents = response.result and response.result.contents
    if type(contents) == 'table' then text = text .. (contents.value or vim.inspect(contents)) end
  end
  check(text:find('h: f32[N, 128]', 1, true) ~= nil, 'hover on the binding h shows `h: f32[N, 128]`',
        err or text)

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end

local function check_syntax(bufnr)
  check(vim.bo[bufnr].filetype == 'dl', 'editor/vim/ftdetect sets filetype=dl', vim.bo[bufnr].filetype)
  check(vim.b[bufnr].current_syntax == 'dl', 'editor/vim/syntax/dl.vim is loaded', vim.b[bufnr].current_syntax)
  check(vim.bo[bufnr].commentstring == '// %s', 'editor/vim/ftplugin sets commentstring', vim.bo[bufnr].commentstring)
  local expect = {
    { 'model Mlp', 0, 'dlStructure' },
    { 'model Mlp', 6, 'dlDeclName' },
    { 'layer fc1', 0, 'dlStorage' },
    { 'Linear(inputs', 0, 'dlStdlibType' },
    { 'f32[N, 64]', 0, 'dlType' },
    { 'f32[N, 64]', 4, 'dlDimension' },
    { 'f32[N, 64]', 7, 'dlNumber' },
    { 'x @ W', 2, 'dlOperator' },
    { '/* h:', 3, 'dlComment' },
    { '// The program', 3, 'dlComment' },
    { 'return h', 0, 'dlKeyword' },
    { 'rand([32', 0, 'dlBuiltin' },
    { 'relu(fc1', 0, 'dlStdlib' },
    { 'hidden: int = 128', 8, 'dlType' },
    { 'hidden: int = 128', 14, 'dlNumber' },
  }
  for _, e in ipairs(expect) do
    local line, col = find(bufnr, e[1])
    local got = syntax_at(line, col + e[2])
    check(got == e[3], ('syntax: %q at +%d is %s'):format(e[1], e[2], e[3]), got)
  end
end

local function run()
  local ok, err = pcall(function()
    check(vim.fn.has('nvim-0.7') == 1, 'Neovim is 0.7 or later', vim.version())
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local bufnr = vim.api.nvim_get_current_buf()
    check_syntax(bufnr)
    check_lsp(bufnr)
  end)
  check(ok, 'the test script ran to its end', err)
  finish()
end

-- nested: the :edit in run() must fire the filetype and syntax autocommands.
vim.api.nvim_create_autocmd('VimEnter', { once = true, nested = true, callback = run })
