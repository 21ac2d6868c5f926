import HushCLI

HushCommand.runAndExit()
