// The in-process backtest: filled in by the files of this module.
