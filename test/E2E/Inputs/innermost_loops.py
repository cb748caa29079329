#!/usr/bin/env python3
"""Prints the innermost loops of an assembly file (GNU syntax, as qcompile
--emit=asm writes it): every basic block that ends with a branch back to its
own label, one line each, "LABEL: mnemonic mnemonic ...", for FileCheck.

  innermost_loops.py FILE.s
"""

import re
import sys

LABEL = re.compile(r"^(\.?[A-Za-z_][\w.$]*):")
label, body = None, []
with open(sys.argv[1]) as f:
  for line in f:
    m = LABEL.match(line)
    if m:
      label, body = m.group(1), []
      continue
    fields = line.split()
    if not fields or fields[0].startswith((".", "#")):
      continue
    body.append(fields[0])
    if fields[0].startswith("j"):
      if label and len(fields) > 1 and fields[1] == label:
        print("%s: %s" % (label, " ".join(body)))
      label, body = None, []
