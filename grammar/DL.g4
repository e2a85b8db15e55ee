// The DL language: declarations (fn, model, optimizer, use) and top-level
// statements. Statements end at a line break or ';'. Line breaks are otherwise
// white space, with one exception: a '(' or '[' that starts a new line begins
// a new statement instead of calling or indexing the previous line's value
// (see sameLine()).
//
// The parse tree is turned into dlc's own AST by compiler/parse/AstBuilder;
// nothing downstream sees ANTLR types.
grammar DL;

@parser::members {
  // True when the next token is on the same line as the previous visible one.
  bool sameLine() {
    antlr4::Token *previous = _input->LT(-1);
    antlr4::Token *next = _input->LT(1);
    return previous == nullptr || next == nullptr ||
           previous->getLine() == next->getLine();
  }

  // True where a statement may begin: at the start of the file or a line,
  // or after ';', '{' or '}'.
  bool atStatementStart() {
    antlr4::Token *previous = _input->LT(-1);
    antlr4::Token *next = _input->LT(1);
    if (previous == nullptr || next == nullptr || previous->getLine() < next->getLine()) return true;
    std::string text = previous->getText();
    return text == ";" || text == "{" || text == "}";
  }
}

program : item* EOF ;

item
    : useDecl
    | fnDecl
    | modelDecl
    | optimizerDecl
    | stmt
    ;

// use "other.dl"
useDecl : USE STRING ;

// fn name(a: f32[N], b = 2) -> f32[N] { ... }   or   ... -> T = expr
fnDecl : FN IDENT '(' params? ')' ('->' type)? ('=' expr | block) ;

params : param (',' param)* ','? ;
param  : IDENT (':' type)? ('=' expr)? ;

// model Name(hyper: int = 1) { param ..; layer ..; fn forward(..) }
modelDecl : MODEL IDENT ('(' params? ')')? '{' modelMember* '}' ;

modelMember
    : PARAM IDENT ':' type ('=' expr)?   # paramMember
    | LAYER IDENT '=' expr               # layerMember
    | fnDecl                             # methodMember
    | ';'                                # emptyMember
    ;

// optimizer Name(lr: f32 = 0.1) { state m; fn update(p, g) { .. } }
optimizerDecl : OPTIMIZER IDENT ('(' params? ')')? '{' optimizerMember* '}' ;

optimizerMember
    : STATE IDENT (',' IDENT)*           # stateMember
    | fnDecl                             # optimizerMethod
    | ';'                                # emptyOptimizerMember
    ;

// f32, i32, int, f32[N, 64]
type : IDENT ('[' dim (',' dim)* ','? ']')? ;
dim  : INT | IDENT ;

block : '{' stmt* '}' ;

stmt
    : {atStatementStart()}? (LET | VAR) IDENT (',' IDENT)* (':' type)? '=' expr  # letStmt
    | {atStatementStart()}? FOR IDENT (',' IDENT)* IN expr ('..' expr)? block     # forStmt
    | {atStatementStart()}? ifStmt                                                # ifStatement
    | {atStatementStart()}? RETURN expr?                                          # returnStmt
    | {atStatementStart()}? block                                                 # blockStmt
    | {atStatementStart()}? expr (op=('=' | '+=' | '-=' | '*=' | '/=') expr)?     # exprStmt
    | ';'                                                                         # emptyStmt
    ;

ifStmt : IF expr block (ELSE (block | ifStmt))? ;

// Alternatives are listed from the tightest binding to the loosest.
expr
    : primary                                                   # primaryExpr
    | expr {sameLine()}? '(' args? ')'                          # callExpr
    | expr {sameLine()}? '[' indices ']'                        # indexExpr
    | expr '.' IDENT                                            # memberExpr
    | <assoc=right> expr '^' expr                               # powExpr
    | op=('-' | '+') expr                                       # unaryExpr
    | expr op=('*' | '/' | '%' | '@') expr                      # mulExpr
    | expr op=('+' | '-') expr                                  # addExpr
    | expr op=('<' | '<=' | '>' | '>=' | '==' | '!=') expr      # compareExpr
    | NOT expr                                                  # notExpr
    | expr AND expr                                             # andExpr
    | expr OR expr                                              # orExpr
    ;

primary
    : INT                                       # intLiteral
    | FLOAT                                     # floatLiteral
    | (TRUE | FALSE)                            # boolLiteral
    | STRING                                    # stringLiteral
    | IDENT                                     # nameRef
    | '(' expr ')'                              # parenExpr
    | '[' (expr (',' expr)* ','?)? ']'          # listLiteral
    ;

args : arg (',' arg)* ','? ;
arg  : (IDENT ':')? expr ;

indices : index (',' index)* ;
index
    : expr                       # pointIndex
    | lo=expr? ':' hi=expr?      # sliceIndex
    ;

// Keywords
USE       : 'use' ;
FN        : 'fn' ;
MODEL     : 'model' ;
PARAM     : 'param' ;
LAYER     : 'layer' ;
OPTIMIZER : 'optimizer' ;
STATE     : 'state' ;
LET       : 'let' ;
VAR       : 'var' ;
FOR       : 'for' ;
IN        : 'in' ;
IF        : 'if' ;
ELSE      : 'else' ;
RETURN    : 'return' ;
AND       : 'and' ;
OR        : 'or' ;
NOT       : 'not' ;
TRUE      : 'true' ;
FALSE     : 'false' ;

// Punctuation the parser names in messages
LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACKET : '[' ;
RBRACKET : ']' ;
LBRACE   : '{' ;
RBRACE   : '}' ;

// A float needs digits on both sides of the '.', so '0..10' is 0 .. 10.
FLOAT : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT   : DIGITS ;
IDENT : [a-zA-Z_] [a-zA-Z_0-9]* ;
STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;

fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\f]+ -> skip ;

// Lexical errors: kept off the parser's channel and reported by the front end.
UNTERMINATED_STRING  : '"' (~["\\\r\n] | '\\' ~[\r\n])* '\\'? -> channel(HIDDEN) ;
// Never contains '*/', so it cannot outmatch a terminated comment.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF -> channel(HIDDEN) ;
UNEXPECTED_CHAR      : . -> channel(HIDDEN) ;
