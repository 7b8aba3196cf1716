from desktop_search.cli import main

raise SystemExit(main())
