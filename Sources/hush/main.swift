import HushCLI

HushCommand.main()
