-- wrk script of the host benchmark: every request is the activity of HK_BODY; where it has
-- @@TOKEN@@ the next line of HK_TOKENS goes (a continuation token: each 200 is a real redemption),
-- where it has @@N@@ a number distinct per request.
-- With HK_AUTH, each request also carries `Authorization: Bearer <the next line of HK_AUTH>` (an
-- inbound Bot Framework JWT, a distinct one per request). Threads take alternate lines (thread i of
-- HK_THREADS: lines i, i+T, …); line k of HK_TOKENS and of HK_AUTH go into the same request. The
-- request head is built once, so wrk spends as little as it can per request (it shares the cores
-- with the host it measures).
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local function my_lines(file, nthreads)
  local out, n = {}, 0
  if not file then return out end
  for line in io.lines(file) do
    if n % nthreads == tid then out[#out + 1] = line end
    n = n + 1
  end
  return out
end

-- The body in pieces around its placeholders: @@TOKEN@@ (the request's line of HK_TOKENS) and
-- @@N@@ (a number distinct per request of a run, e.g. for a conversation id of its own).
local function split(body)
  local parts, slots, from = {}, {}, 1
  while true do
    local a, b, name = body:find("@@(%u+)@@", from)
    if not a then break end
    assert(name == "TOKEN" or name == "N", "load.lua: unknown placeholder @@" .. name .. "@@")
    parts[#parts + 1], slots[#slots + 1], from = body:sub(from, a - 1), name, b + 1
  end
  parts[#parts + 1] = body:sub(from)
  return parts, slots
end

function init(args)
  local nthreads = tonumber(os.getenv("HK_THREADS"))
  tokens = my_lines(os.getenv("HK_TOKENS"), nthreads)
  bearers = my_lines(os.getenv("HK_AUTH"), nthreads)
  count = math.max(#tokens, #bearers)
  i = 0
  local f = io.open(os.getenv("HK_BODY"))
  parts, slots = split(f:read("*a"))
  f:close()
  head = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
    "\r\nContent-Type: application/json\r\n"
end

function request()
  i = i + 1
  if i > count then i = 1 end -- out of lines: replays (409s, counted as non-2xx)
  local pieces = { parts[1] }
  for k, name in ipairs(slots) do
    pieces[#pieces + 1] = name == "TOKEN" and (tokens[i] or "") or (tid .. "-" .. i)
    pieces[#pieces + 1] = parts[k + 1]
  end
  local body = table.concat(pieces)
  local auth = ""
  if bearers[i] then auth = "Authorization: Bearer " .. bearers[i] .. "\r\n" end
  return head .. auth .. "Content-Length: " .. #body .. "\r\n\r\n" .. body
end
