-- One fixed GET (the URL given to wrk), with the JSON summary.
require "common"
