// needlectl — drives needled over its control socket. See NeedleCtl.swift.
NeedleCtl.runAndExit()
