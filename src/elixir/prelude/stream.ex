# Stream: lazy enumerables, written in the Elixir the console speaks over the Enumerable
# protocol (prelude/enumerable.ex). Written for this project from the documented behaviour.
#
# Most streams here are one shape, `lazy/5`: a source enumerable and a step function run on
# each of its items, which answers the items to pass on (any enumerable), and whether to
# go on. A stream over an infinite source costs nothing until something takes from it, and
# a long walk yields to the other processes as every evaluation does.

defmodule Stream do
  @moduledoc "Lazy enumerables: Stream.map/filter/take/... build a recipe and nothing runs until Enum (or Stream.run/1) walks it, one item at a time through the whole pipeline. Stream.iterate/2, Stream.cycle/1, Stream.unfold/2, Stream.repeatedly/1 and Stream.interval/1 are infinite: take from them with Enum.take/2. (Written in Elixir in this console's prelude.)"
  defstruct enum: [], funs: [], reduce: nil

  # ------------------------------------------------------------------ the core

  # A stream of `enum` through `step`: step.(x, state) answers {items, state} (items
  # passed on in order), {:last, items, state} (passed on, then the stream ends) or
  # {:halt, state} (it ends now); when `enum` ends, last.(state) answers the items still
  # to pass on. `shown` is what iex lists among the stream's funs (a fun made in the
  # Stream function that built this step, as Elixir's are).
  defp lazy(enum, shown, state, step, last \\ nil) do
    {source, funs} =
      case enum do
        %Stream{enum: inner, funs: funs} -> {inner, funs ++ [shown]}
        _ -> {enum, [shown]}
      end

    %Stream{
      enum: source,
      funs: funs,
      reduce: fn acc, fun -> run(enum, state, step, last, acc, fun) end
    }
  end

  # the same enumerable, as a stream that does nothing more
  defp same(%Stream{} = stream), do: stream
  defp same(enum), do: %Stream{enum: enum, funs: [], reduce: &Enumerable.reduce(enum, &1, &2)}

  # a stream whose items are worked out when it is walked (a take from the end)
  defp deferred(enum, items) do
    %Stream{enum: enum, funs: [items], reduce: fn acc, fun -> Enumerable.reduce(items.(), acc, fun) end}
  end

  defp run(_enum, _state, _step, _last, {:halt, acc}, _fun), do: {:halted, acc}

  defp run(enum, state, step, last, {:suspend, acc}, fun),
    do: {:suspended, acc, &run(enum, state, step, last, &1, fun)}

  defp run(enum, state, step, last, {:cont, acc}, fun) do
    reducer = fn x, {acc, s} ->
      case step.(x, s) do
        {:halt, s} -> {:halt, {acc, s, :stop}}
        {:last, items, s} -> emit(items, acc, s, fun, :stop)
        {items, s} -> emit(items, acc, s, fun, :go)
      end
    end

    finish(Enumerable.reduce(enum, {:cont, {acc, state}}, reducer), last, fun)
  end

  defp emit([], acc, s, _fun, :go), do: {:cont, {acc, s}}
  defp emit([], acc, s, _fun, :stop), do: {:halt, {acc, s, :stop}}

  defp emit([x], acc, s, fun, next) do
    case fun.(x, acc) do
      {:cont, acc} -> emit([], acc, s, fun, next)
      {:halt, acc} -> {:halt, {acc, s, :halt}}
      {:suspend, acc} -> {:suspend, {acc, s, {:pending, nil, next}}}
    end
  end

  defp emit(items, acc, s, fun, next) do
    case Enumerable.reduce(items, {:cont, acc}, fun) do
      {:done, acc} -> emit([], acc, s, fun, next)
      {:halted, acc} -> {:halt, {acc, s, :halt}}
      {:suspended, acc, k} -> {:suspend, {acc, s, {:pending, k, next}}}
    end
  end

  defp finish({:done, {acc, s}}, last, fun), do: tail(last, s, acc, fun)
  defp finish({:halted, {acc, _s, :stop}}, _last, _fun), do: {:done, acc}
  defp finish({:halted, {acc, _s, :halt}}, _last, _fun), do: {:halted, acc}
  defp finish({:halted, {acc, _s}}, _last, _fun), do: {:halted, acc}

  defp finish({:suspended, {acc, s, next}, k}, last, fun),
    do: {:suspended, acc, &resume(&1, s, next, k, last, fun)}

  defp resume({:halt, acc}, s, next, k, _last, _fun) do
    case next do
      {:pending, pk, _} when pk != nil -> pk.({:halt, acc})
      _ -> :ok
    end

    k.({:halt, {acc, s}})
    {:halted, acc}
  end

  defp resume({:suspend, acc}, s, next, k, last, fun),
    do: {:suspended, acc, &resume(&1, s, next, k, last, fun)}

  defp resume({:cont, acc}, s, :go, k, last, fun), do: finish(k.({:cont, {acc, s}}), last, fun)

  defp resume({:cont, acc}, s, :stop, k, _last, _fun) do
    k.({:halt, {acc, s}})
    {:done, acc}
  end

  defp resume({:cont, acc}, s, {:pending, nil, next}, k, last, fun),
    do: resume({:cont, acc}, s, next, k, last, fun)

  defp resume({:cont, acc}, s, {:pending, pk, next}, k, last, fun) do
    case pk.({:cont, acc}) do
      {:done, acc} ->
        resume({:cont, acc}, s, next, k, last, fun)

      {:halted, acc} ->
        k.({:halt, {acc, s}})
        {:halted, acc}

      {:suspended, acc, pk} ->
        {:suspended, acc, &resume(&1, s, {:pending, pk, next}, k, last, fun)}
    end
  end

  defp tail(nil, _s, acc, _fun), do: {:done, acc}

  defp tail(last, s, acc, fun) do
    case last.(s) do
      [] -> {:done, acc}
      items -> Enumerable.reduce(items, {:cont, acc}, fun)
    end
  end

  # ------------------------------------------------------------------ transformations

  def map(enum, fun), do: lazy(enum, & &1, nil, fn x, s -> {[fun.(x)], s} end)
  def filter(enum, fun), do: lazy(enum, & &1, nil, fn x, s -> if(fun.(x), do: {[x], s}, else: {[], s}) end)
  def reject(enum, fun), do: lazy(enum, & &1, nil, fn x, s -> if(fun.(x), do: {[], s}, else: {[x], s}) end)

  def each(enum, fun) do
    lazy(enum, & &1, nil, fn x, s ->
      fun.(x)
      {[x], s}
    end)
  end

  def flat_map(enum, fun), do: lazy(enum, & &1, nil, fn x, s -> {fun.(x), s} end)

  def transform(enum, acc, reducer) when is_function(reducer, 2) do
    lazy(enum, & &1, acc, fn x, acc ->
      case reducer.(x, acc) do
        {:halt, acc} -> {:halt, acc}
        {items, acc} -> {items, acc}
      end
    end)
  end

  def concat(enumerables), do: flat_map(enumerables, fn enum -> enum end)
  def concat(first, second), do: concat([first, second])

  # one clause, as Elixir's: a FunctionClauseError lists the same head iex shows
  def take(enum, count) when is_integer(count) do
    cond do
      count == 0 ->
        same([])

      count > 0 ->
        take_fun = fn x, k -> if k == 1, do: {:last, [x], 0}, else: {[x], k - 1} end
        lazy(enum, & &1, count, take_fun)

      true ->
        deferred(enum, fn -> Enum.take(enum, count) end)
    end
  end

  def drop(enum, 0), do: same(enum)

  def drop(enum, n) when is_integer(n) and n > 0 do
    drop_fun = fn x, k -> if k == 0, do: {[x], 0}, else: {[], k - 1} end
    lazy(enum, & &1, n, drop_fun)
  end

  def drop(enum, n) when is_integer(n), do: deferred(enum, fn -> Enum.drop(enum, n) end)

  def take_while(enum, fun), do: lazy(enum, & &1, nil, fn x, s -> if(fun.(x), do: {[x], s}, else: {:halt, s}) end)

  def drop_while(enum, fun) do
    lazy(enum, & &1, true, fn
      x, true -> if fun.(x), do: {[], true}, else: {[x], false}
      x, false -> {[x], false}
    end)
  end

  def take_every(enum, 0), do: take(enum, 0)

  def take_every(enum, nth) when is_integer(nth) and nth > 0 do
    every = fn x, i -> if rem(i, nth) == 0, do: {[x], i + 1}, else: {[], i + 1} end
    lazy(enum, & &1, 0, every)
  end

  def drop_every(enum, 0), do: same(enum)

  def drop_every(enum, nth) when is_integer(nth) and nth > 0 do
    every = fn x, i -> if rem(i, nth) == 0, do: {[], i + 1}, else: {[x], i + 1} end
    lazy(enum, & &1, 0, every)
  end

  def map_every(enum, 0, _fun), do: same(enum)
  def map_every(enum, 1, fun), do: map(enum, fun)

  def map_every(enum, nth, fun) when is_integer(nth) and nth > 0 do
    lazy(enum, & &1, 0, fn x, i -> if rem(i, nth) == 0, do: {[fun.(x)], i + 1}, else: {[x], i + 1} end)
  end

  def with_index(enum, offset \\ 0)

  def with_index(enum, fun) when is_function(fun, 2) do
    lazy(enum, & &1, 0, fn x, i -> {[fun.(x, i)], i + 1} end)
  end

  def with_index(enum, offset) when is_integer(offset) do
    index = fn x, i -> {[{x, i}], i + 1} end
    lazy(enum, & &1, offset, index)
  end

  def dedup(enum), do: dedup_by(enum, fn x -> x end)

  def dedup_by(enum, fun) do
    lazy(enum, & &1, :none, fn x, seen ->
      key = fun.(x)
      if seen == {:key, key}, do: {[], seen}, else: {[x], {:key, key}}
    end)
  end

  def uniq(enum), do: uniq_by(enum, fn x -> x end)

  def uniq_by(enum, fun) do
    lazy(enum, & &1, %{}, fn x, seen ->
      key = fun.(x)
      if Map.has_key?(seen, key), do: {[], seen}, else: {[x], Map.put(seen, key, true)}
    end)
  end

  def scan(enum, fun) do
    lazy(enum, & &1, :first, fn
      x, :first -> {[x], {:acc, x}}
      x, {:acc, acc} ->
        acc = fun.(x, acc)
        {[acc], {:acc, acc}}
    end)
  end

  def scan(enum, acc, fun) do
    lazy(enum, & &1, acc, fn x, acc ->
      acc = fun.(x, acc)
      {[acc], acc}
    end)
  end

  def intersperse(enum, separator) do
    sep = fn
      x, true -> {[x], false}
      x, false -> {[separator, x], false}
    end

    lazy(enum, & &1, true, sep)
  end

  def chunk_every(enum, count), do: chunk_every(enum, count, count, [])

  def chunk_every(enum, count, step, leftover \\ []) when is_integer(count) and count > 0 and is_integer(step) and step > 0 do
    # the chunks begun and not yet full, oldest first: {items reversed, how many}
    add = fn x, {i, open} ->
      open = if rem(i, step) == 0, do: open ++ [{[], 0}], else: open
      open = Enum.map(open, fn {items, n} -> {[x | items], n + 1} end)
      {full, open} = Enum.split_while(open, fn {_, n} -> n == count end)
      {Enum.map(full, fn {items, _} -> :lists.reverse(items) end), {i + 1, open}}
    end

    last = fn
      {_, [{items, n} | _]} when n > 0 and leftover != :discard ->
        [:lists.reverse(items) ++ Enum.take(leftover, count - n)]

      _ ->
        []
    end

    lazy(enum, & &1, {0, []}, add, last)
  end

  def chunk_by(enum, fun) do
    by = fn
      x, nil ->
        {[], {fun.(x), [x]}}

      x, {key, items} ->
        case fun.(x) do
          ^key -> {[], {key, [x | items]}}
          other -> {[:lists.reverse(items)], {other, [x]}}
        end
    end

    lazy(enum, & &1, nil, by, fn
      nil -> []
      {_, items} -> [:lists.reverse(items)]
    end)
  end

  def chunk_while(enum, acc, chunk_fun, after_fun) do
    step = fn x, acc ->
      case chunk_fun.(x, acc) do
        {:cont, chunk, acc} -> {[chunk], acc}
        {:cont, acc} -> {[], acc}
        {:halt, acc} -> {:halt, acc}
      end
    end

    lazy(enum, & &1, acc, step, fn acc ->
      case after_fun.(acc) do
        {:cont, chunk, _} -> [chunk]
        {:cont, _} -> []
      end
    end)
  end

  def zip(first, second), do: zip([first, second])
  def zip(enumerables), do: zip_with(enumerables, &List.to_tuple/1)

  def zip_with(first, second, fun) when is_function(fun, 2),
    do: zip_with([first, second], fn [a, b] -> fun.(a, b) end)

  # each enumerable is walked one item at a time: its reduce suspends after each item
  def zip_with(enumerables, fun) when is_function(fun, 1) do
    fn acc, reducer ->
      first = fn x, _ -> {:suspend, x} end
      starts = Enum.map(enumerables, fn enum -> &Enumerable.reduce(enum, &1, first) end)
      zip_loop(starts, fun, acc, reducer)
    end
  end

  defp zip_loop(conts, _fun, {:halt, acc}, _reducer) do
    zip_close(conts)
    {:halted, acc}
  end

  defp zip_loop(conts, fun, {:suspend, acc}, reducer),
    do: {:suspended, acc, &zip_loop(conts, fun, &1, reducer)}

  defp zip_loop(conts, fun, {:cont, acc}, reducer) do
    case zip_pull(conts, [], []) do
      {:ok, items, conts} -> zip_loop(conts, fun, reducer.(fun.(items), acc), reducer)
      :done -> {:done, acc}
    end
  end

  defp zip_pull([], items, conts), do: {:ok, :lists.reverse(items), :lists.reverse(conts)}

  defp zip_pull([k | rest], items, conts) do
    case k.({:cont, nil}) do
      {:suspended, x, k} ->
        zip_pull(rest, [x | items], [k | conts])

      _ended ->
        zip_close(rest)
        zip_close(conts)
        :done
    end
  end

  defp zip_close(conts), do: Enum.each(conts, fn k -> k.({:halt, nil}) end)

  # ------------------------------------------------------------------ sources

  def unfold(acc, fun), do: &unfold_run(acc, fun, &1, &2)

  defp unfold_run(_acc, _fun, {:halt, out}, _reducer), do: {:halted, out}

  defp unfold_run(acc, fun, {:suspend, out}, reducer),
    do: {:suspended, out, &unfold_run(acc, fun, &1, reducer)}

  defp unfold_run(acc, fun, {:cont, out}, reducer) do
    case fun.(acc) do
      nil -> {:done, out}
      {x, acc} -> unfold_run(acc, fun, reducer.(x, out), reducer)
    end
  end

  def iterate(start, next) do
    unfold({:first, start}, fn
      {:first, x} -> {x, {:next, x}}
      {:next, x} -> (y = next.(x); {y, {:next, y}})
    end)
  end

  def repeatedly(fun), do: unfold(nil, fn nil -> {fun.(), nil} end)

  def duplicate(value, n) when is_integer(n) and n >= 0,
    do: unfold(n, fn 0 -> nil; k -> {value, k - 1} end)

  def cycle(enum) when is_list(enum) and enum != [] do
    unfold(enum, fn
      [x | rest] -> {x, rest}
      [] -> {hd(enum), tl(enum)}
    end)
  end

  def cycle([]), do: raise(ArgumentError, "cannot cycle over an empty enumerable")

  def cycle(enum) do
    fn acc, reducer ->
      case Enum.to_list(enum) do
        [] -> {:done, elem(acc, 1)}
        list -> Enumerable.reduce(cycle(list), acc, reducer)
      end
    end
  end

  def interval(ms) when is_integer(ms) and ms >= 0 do
    unfold(0, fn i ->
      Process.sleep(ms)
      {i, i + 1}
    end)
  end

  def timer(ms) when is_integer(ms) and ms >= 0 do
    unfold(true, fn
      true -> (Process.sleep(ms); {0, false})
      false -> nil
    end)
  end

  def resource(start_fun, next_fun, after_fun) do
    fn acc, reducer -> resource_run(:start, start_fun, next_fun, after_fun, acc, reducer) end
  end

  defp resource_run(:start, start_fun, next_fun, after_fun, {:cont, _} = acc, reducer),
    do: resource_run({:state, start_fun.()}, start_fun, next_fun, after_fun, acc, reducer)

  defp resource_run(state, _start, _next, after_fun, {:halt, out}, _reducer) do
    with {:state, s} <- state, do: after_fun.(s)
    {:halted, out}
  end

  defp resource_run(state, start, next, after_fun, {:suspend, out}, reducer),
    do: {:suspended, out, &resource_run(state, start, next, after_fun, &1, reducer)}

  defp resource_run({:state, s}, start, next_fun, after_fun, {:cont, out}, reducer) do
    case next_fun.(s) do
      {:halt, s} ->
        after_fun.(s)
        {:done, out}

      {items, s} ->
        resource_emit(Enumerable.reduce(items, {:cont, out}, reducer), s, start, next_fun, after_fun, reducer)
    end
  end

  defp resource_emit({:done, out}, s, start, next_fun, after_fun, reducer),
    do: resource_run({:state, s}, start, next_fun, after_fun, {:cont, out}, reducer)

  defp resource_emit({:halted, out}, s, _start, _next, after_fun, _reducer) do
    after_fun.(s)
    {:halted, out}
  end

  defp resource_emit({:suspended, out, k}, s, start, next_fun, after_fun, reducer) do
    {:suspended, out,
     fn
       {:halt, out} ->
         k.({:halt, out})
         after_fun.(s)
         {:halted, out}

       cmd ->
         resource_emit(k.(cmd), s, start, next_fun, after_fun, reducer)
     end}
  end

  # ------------------------------------------------------------------ running

  def run(stream) do
    Enumerable.reduce(stream, {:cont, nil}, fn _, _ -> {:cont, nil} end)
    :ok
  end

  def into(enum, collectable, transform \\ fn x -> x end) do
    {initial, collect} = Collectable.into(collectable)

    lazy(enum, & &1, initial, fn x, acc -> {[x], collect.(acc, {:cont, transform.(x)})} end, fn acc ->
      collect.(acc, :done)
      []
    end)
  end
end
