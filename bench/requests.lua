-- wrk script: cycle through the requests of a file given after "--", one per line:
-- METHOD <tab> PATH [<tab> JSON BODY]. Headers (auth, content type) come from wrk's -H.
local requests = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^([^\t]+)\t([^\t]+)\t?(.*)$")
    if body == "" then body = nil end
    requests[#requests + 1] = wrk.format(method, path, nil, body)
  end
end

function request()
  index = index % #requests + 1
  return requests[index]
end
