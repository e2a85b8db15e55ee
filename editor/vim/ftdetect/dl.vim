" .dl files are DL programs (dlc's deep-learning language).
autocmd BufNewFile,BufRead *.dl set filetype=dl
