"""One module per pipeline stage; `flashpoint.pipeline` wires them in order."""
