" Vim syntax file
" Language: DL, the deep-learning language compiled by dlc (.dl)

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Operators first: the comment rules below, defined later, win at '//'.
syn match   dlOperator      "[-+*/%^@<>=!]=\=\|\.\.\|->"
syn match   dlNumber        "\<\d\+\>"
syn match   dlFloat         "\<\d\+\.\d\+\%([eE][+-]\=\d\+\)\=\>"
syn match   dlFloat         "\<\d\+[eE][+-]\=\d\+\>"

syn keyword dlInclude       use
syn keyword dlConditional   if else
syn keyword dlRepeat        for
syn keyword dlKeyword       in return
syn keyword dlLogical       and or not
syn keyword dlBoolean       true false
syn keyword dlConstant      last
syn keyword dlStorage       let var param layer state
syn keyword dlStructure     fn model optimizer nextgroup=dlDeclName skipwhite
syn match   dlDeclName      "\h\w*" contained
syn keyword dlType          f32 f64 i32 int bool str

" f32[N, 64]: dimension names inside a tensor type.
syn region  dlTensorType    matchgroup=dlDelimiter start="\%(\<\%(f32\|f64\|i32\|int\|bool\)\s*\)\@<=\[" end="\]"
                            \ contains=dlNumber,dlDimension oneline
syn match   dlDimension     "\h\w*" contained

syn keyword dlBuiltin       exp log sqrt abs tanh sin cos max min where sum mean argmax
syn keyword dlBuiltin       transpose reshape len shape size concat one_hot zeros ones full
syn keyword dlBuiltin       rand randn randint uniform normal xavier_uniform kaiming_uniform
syn keyword dlBuiltin       arange zeros_like ones_like seed print grad save load load_csv
syn keyword dlBuiltin       load_npy load_idx dataset split batches minimize series plot
syn keyword dlBuiltin       plot_boundary
syn keyword dlBuiltin       checkpoint
syn keyword dlStdlib        sigmoid relu leaky_relu elu softmax log_softmax mae mse rmse bce
syn keyword dlStdlib        bce_with_logits cross_entropy accuracy moons circles spirals
syn keyword dlStdlibType    Linear SGD GD Momentum AdaGrad RMSProp Adam

syn match   dlEscape        "\\." contained
syn region  dlString        start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=dlEscape,@Spell oneline

syn keyword dlTodo          TODO FIXME XXX NOTE contained
syn match   dlComment       "//.*$" contains=dlTodo,@Spell
syn region  dlComment       start="/\*" end="\*/" contains=dlTodo,@Spell

hi def link dlOperator      Operator
hi def link dlLogical       Operator
hi def link dlNumber        Number
hi def link dlFloat         Float
hi def link dlInclude       Include
hi def link dlConditional   Conditional
hi def link dlRepeat        Repeat
hi def link dlKeyword       Keyword
hi def link dlBoolean       Boolean
hi def link dlConstant      Constant
hi def link dlStorage       StorageClass
hi def link dlStructure     Structure
hi def link dlDeclName      Function
hi def link dlType          Type
hi def link dlDimension     Identifier
hi def link dlDelimiter     Delimiter
hi def link dlBuiltin       Function
hi def link dlStdlib        Function
hi def link dlStdlibType    Type
hi def link dlString        String
hi def link dlEscape        SpecialChar
hi def link dlTodo          Todo
hi def link dlComment       Comment

let b:current_syntax = 'dl'

let &cpo = s:cpo_save
unlet s:cpo_save
