%% The same ring as Redfour's `cargo bench`: N processes, one token passed around
%% Rounds times, timed inside the VM. Prints ns per message. Each run absorbs its token
%% and kills its processes, so runs do not disturb each other.
-module(ring).
-export([run/2]).

forward(Next) ->
    receive
        Msg -> Next ! Msg, forward(Next)
    end.

head(_Next, 0, Parent) -> Parent ! done;
head(Next, K, Parent) ->
    receive
        token -> Next ! token, head(Next, K - 1, Parent)
    end.

run(N, Rounds) ->
    Parent = self(),
    Head = spawn(fun() -> receive {next, Next} -> head(Next, Rounds, Parent) end end),
    {Last, Others} = lists:foldl(
        fun(_, {Next, Acc}) -> P = spawn(fun() -> forward(Next) end), {P, [P | Acc]} end,
        {Head, []}, lists:seq(2, N)),
    Head ! {next, Last},
    T0 = erlang:monotonic_time(nanosecond),
    Head ! token,
    receive done -> ok end,
    T1 = erlang:monotonic_time(nanosecond),
    [exit(P, kill) || P <- Others],
    io:format("~.3f~n", [(T1 - T0) / (N * Rounds)]).
