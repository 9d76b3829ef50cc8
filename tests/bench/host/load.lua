-- wrk script of the host benchmark: every request is the activity of HK_BODY; where it has
-- @@TOKEN@@ the next line of HK_TOKENS goes (a continuation token: each 200 is a real redemption).
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

function init(args)
  local nthreads = tonumber(os.getenv("HK_THREADS"))
  tokens = my_lines(os.getenv("HK_TOKENS"), nthreads)
  bearers = my_lines(os.getenv("HK_AUTH"), nthreads)
  count = math.max(#tokens, #bearers)
  i = 0
  local f = io.open(os.getenv("HK_BODY"))
  local body = f:read("*a")
  f:close()
  local at = body:find("@@TOKEN@@", 1, true)
  if at then
    prefix, suffix = body:sub(1, at - 1), body:sub(at + 9)
  else
    prefix, suffix = body, ""
  end
  head = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
    "\r\nContent-Type: application/json\r\n"
end

function request()
  i = i + 1
  if i > count then i = 1 end -- out of lines: replays (409s, counted as non-2xx)
  local token = tokens[i] or ""
  local auth = ""
  if bearers[i] then auth = "Authorization: Bearer " .. bearers[i] .. "\r\n" end
  return head .. auth .. "Content-Length: " .. (#prefix + #token + #suffix) .. "\r\n\r\n" .. prefix .. token .. suffix
end
