"""Side effects that leave the process: email today; webhooks and digests later."""
