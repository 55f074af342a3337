from imbtab.cli import main

raise SystemExit(main())
