# Enum's and List's less common functions written in the Elixir the console speaks, over the
# native ones (a call of a function these modules do not define reaches the native one).
# Written for this project from the documented behaviour.

defmodule Enum do
  # a module as a sorter (`Enum.sort(dates, Date)`): its compare/2 decides
  # `count` items drawn without replacement (from the process's :rand, not Elixir's
  # sampling: the items differ from iex's for the same seed)
  def take_random(enumerable, count) when is_integer(count) and count >= 0,
    do: enumerable |> Enum.shuffle() |> Enum.take(count)

  def __sorter__(module, :asc), do: &(module.compare(&1, &2) != :gt)
  def __sorter__(module, :desc), do: &(module.compare(&1, &2) != :lt)

  # max/2 and min/2 take an empty fallback or a sorter (a function, or a module such as
  # Date whose compare/2 decides)
  def max(enumerable, empty_fallback) when is_function(empty_fallback, 0),
    do: or_fallback(enumerable, &Enum.max/1, empty_fallback)

  def max(enumerable, sorter), do: max(enumerable, sorter, &empty_error/0)

  def min(enumerable, empty_fallback) when is_function(empty_fallback, 0),
    do: or_fallback(enumerable, &Enum.min/1, empty_fallback)

  def min(enumerable, sorter), do: min(enumerable, sorter, &empty_error/0)

  defp or_fallback(enumerable, pick, empty_fallback) do
    case Enum.to_list(enumerable) do
      [] -> empty_fallback.()
      list -> pick.(list)
    end
  end

  defp empty_error, do: raise(Enum.EmptyError, "empty error")

  def max(enumerable, module, empty_fallback) when is_atom(module),
    do: max(enumerable, __sorter__(module, :desc), empty_fallback)

  def max(enumerable, sorter, empty_fallback) when is_function(empty_fallback, 0),
    do: pick_by(enumerable, fn x -> x end, sorter, empty_fallback)

  def min(enumerable, module, empty_fallback) when is_atom(module),
    do: min(enumerable, __sorter__(module, :asc), empty_fallback)

  def min(enumerable, sorter, empty_fallback) when is_function(empty_fallback, 0),
    do: pick_by(enumerable, fn x -> x end, sorter, empty_fallback)

  def max_by(enumerable, fun, sorter_or_fallback) when is_function(sorter_or_fallback, 0),
    do: pick_by(enumerable, fun, &>=/2, sorter_or_fallback)

  # a module (`Date`) as the sorter: its compare/2 keeps the larger
  def max_by(enumerable, fun, module) when is_atom(module) and module not in [:asc, :desc],
    do: max_by(enumerable, fun, __sorter__(module, :desc))

  def max_by(enumerable, fun, sorter), do: pick_by(enumerable, fun, sorter, &empty_error/0)
  def max_by(enumerable, fun, sorter, empty_fallback), do: pick_by(enumerable, fun, sorter, empty_fallback)

  def min_by(enumerable, fun, sorter_or_fallback) when is_function(sorter_or_fallback, 0),
    do: pick_by(enumerable, fun, &<=/2, sorter_or_fallback)

  def min_by(enumerable, fun, module) when is_atom(module) and module not in [:asc, :desc],
    do: min_by(enumerable, fun, __sorter__(module, :asc))

  def min_by(enumerable, fun, sorter), do: pick_by(enumerable, fun, sorter, &empty_error/0)
  def min_by(enumerable, fun, sorter, empty_fallback), do: pick_by(enumerable, fun, sorter, empty_fallback)

  def min_max(enumerable, empty_fallback) when is_function(empty_fallback, 0) do
    case Enum.to_list(enumerable) do
      [] -> empty_fallback.()
      list -> Enum.min_max(list)
    end
  end

  def min_max_by(enumerable, fun, empty_fallback \\ &empty_error/0)

  def min_max_by(enumerable, fun, module) when is_atom(module) do
    case Enum.to_list(enumerable) do
      [] -> empty_error()
      list -> {Enum.min_by(list, fun, module), Enum.max_by(list, fun, module)}
    end
  end

  def min_max_by(enumerable, fun, empty_fallback) when is_function(empty_fallback, 0) do
    case Enum.to_list(enumerable) do
      [] -> empty_fallback.()
      list -> {Enum.min_by(list, fun), Enum.max_by(list, fun)}
    end
  end

  # the item whose fun.(item) the sorter keeps (a function: sorter.(kept, next) keeps the
  # one it has; the first of equals stays)
  defp pick_by(enumerable, fun, sorter, empty_fallback) when is_function(sorter, 2) do
    case Enum.to_list(enumerable) do
      [] ->
        empty_fallback.()

      [first | rest] ->
        {best, _} =
          Enum.reduce(rest, {first, fun.(first)}, fn x, {kept, key} ->
            k = fun.(x)
            if sorter.(key, k), do: {kept, key}, else: {x, k}
          end)

        best
    end
  end

  # Enum's functions that take a function, over reduce/3 and reduce_while/3 (native, and
  # lazy for streams and user enumerables): one version for every kind of enumerable
  def count(enumerable, fun), do: Enum.reduce(enumerable, 0, fn x, n -> if fun.(x), do: n + 1, else: n end)

  def any?(enumerable, fun),
    do: Enum.reduce_while(enumerable, false, fn x, _ -> if fun.(x), do: {:halt, true}, else: {:cont, false} end)

  def all?(enumerable, fun),
    do: Enum.reduce_while(enumerable, true, fn x, _ -> if fun.(x), do: {:cont, true}, else: {:halt, false} end)

  def find(enumerable, fun), do: find(enumerable, nil, fun)
  def find_value(enumerable, fun), do: find_value(enumerable, nil, fun)

  def find_index(enumerable, fun) do
    found =
      Enum.reduce_while(enumerable, 0, fn x, i ->
        if fun.(x), do: {:halt, {:at, i}}, else: {:cont, i + 1}
      end)

    case found do
      {:at, i} -> i
      _ -> nil
    end
  end

  def take_while(enumerable, fun) do
    enumerable
    |> Enum.reduce_while([], fn x, acc -> if fun.(x), do: {:cont, [x | acc]}, else: {:halt, acc} end)
    |> Enum.reverse()
  end

  def drop_while(enumerable, fun), do: drop_list(Enum.to_list(enumerable), fun)

  defp drop_list([x | rest] = list, fun), do: if(fun.(x), do: drop_list(rest, fun), else: list)
  defp drop_list([], _fun), do: []

  def split_with(enumerable, fun) do
    {yes, no} =
      Enum.reduce(enumerable, {[], []}, fn x, {yes, no} ->
        if fun.(x), do: {[x | yes], no}, else: {yes, [x | no]}
      end)

    {Enum.reverse(yes), Enum.reverse(no)}
  end

  # keys compared as map keys are (1 and 1.0 differ)
  def uniq_by(enumerable, fun) do
    {list, _} =
      Enum.reduce(enumerable, {[], %{}}, fn x, {list, seen} ->
        key = fun.(x)
        if Map.has_key?(seen, key), do: {list, seen}, else: {[x | list], Map.put(seen, key, true)}
      end)

    Enum.reverse(list)
  end

  # `{}` before the first item, then `{key}` of the item before
  def dedup_by(enumerable, fun) do
    {list, _} =
      Enum.reduce(enumerable, {[], {}}, fn x, {list, last} ->
        key = fun.(x)

        case last do
          {^key} -> {list, last}
          _ -> {[x | list], {key}}
        end
      end)

    Enum.reverse(list)
  end

  def chunk_by(enumerable, fun) do
    {chunks, current, _} =
      Enum.reduce(enumerable, {[], [], {}}, fn x, {chunks, current, last} ->
        key = fun.(x)

        case last do
          {^key} -> {chunks, [x | current], last}
          {} -> {chunks, [x], {key}}
          _ -> {[Enum.reverse(current) | chunks], [x], {key}}
        end
      end)

    chunks = if current == [], do: chunks, else: [Enum.reverse(current) | chunks]
    Enum.reverse(chunks)
  end

  def frequencies_by(enumerable, key_fun),
    do: Enum.reduce(enumerable, %{}, fn x, acc -> Map.update(acc, key_fun.(x), 1, &(&1 + 1)) end)

  # from the last item back, as Elixir does (the functions see the items in that order)
  def group_by(enumerable, key_fun), do: group_by(enumerable, key_fun, fn x -> x end)

  def group_by(enumerable, key_fun, value_fun) do
    enumerable
    |> Enum.reverse()
    |> Enum.reduce(%{}, fn x, acc ->
      key = key_fun.(x)
      value = value_fun.(x)
      Map.update(acc, key, [value], &[value | &1])
    end)
  end

  def map_join(enumerable, mapper), do: map_join(enumerable, "", mapper)

  def map_join(enumerable, joiner, mapper) when is_binary(joiner),
    do: enumerable |> Enum.map(mapper) |> Enum.join(joiner)

  def max_by(enumerable, fun), do: pick_by(enumerable, fun, &>=/2, &empty_error/0)
  def min_by(enumerable, fun), do: pick_by(enumerable, fun, &<=/2, &empty_error/0)

  def map_reduce(enumerable, acc, fun) do
    {list, acc} =
      Enum.reduce(enumerable, {[], acc}, fn x, {list, acc} ->
        {y, acc} = fun.(x, acc)
        {[y | list], acc}
      end)

    {Enum.reverse(list), acc}
  end

  def scan(enumerable, fun) do
    case Enum.to_list(enumerable) do
      [] -> []
      [first | rest] -> [first | scan(rest, first, fun)]
    end
  end

  def scan(enumerable, acc, fun) do
    {list, _} =
      Enum.reduce(enumerable, {[], acc}, fn x, {list, acc} ->
        acc = fun.(x, acc)
        {[acc | list], acc}
      end)

    Enum.reverse(list)
  end

  def zip_with(enumerable1, enumerable2, fun),
    do: enumerable1 |> Enum.zip(enumerable2) |> Enum.map(fn {x, y} -> fun.(x, y) end)

  def flat_map(enumerable, fun) do
    enumerable
    |> Enum.reduce([], fn x, acc -> Enum.reverse(fun.(x), acc) end)
    |> Enum.reverse()
  end

  def with_index(enumerable, offset) when is_integer(offset) do
    {list, _} = Enum.map_reduce(enumerable, offset, fn x, i -> {{x, i}, i + 1} end)
    list
  end

  def with_index(enumerable, fun) when is_function(fun, 2) do
    {list, _} = Enum.map_reduce(enumerable, 0, fn x, i -> {fun.(x, i), i + 1} end)
    list
  end

  def into(enumerable, collectable, transform),
    do: enumerable |> Enum.map(transform) |> Enum.into(collectable)

  def slide(enumerable, range_or_single_index, insertion_index) do
    list = Enum.to_list(enumerable)
    count = length(list)

    {first, last} =
      case range_or_single_index do
        %Range{first: f, last: l} -> {index_in(f, count), index_in(l, count)}
        i when is_integer(i) -> {index_in(i, count), index_in(i, count)}
      end

    insertion = index_in(insertion_index, count)

    cond do
      last < first or (insertion >= first and insertion <= last) ->
        list

      insertion < first ->
        {head, rest} = Enum.split(list, insertion)
        {middle, rest} = Enum.split(rest, first - insertion)
        {moved, tail} = Enum.split(rest, last - first + 1)
        head ++ moved ++ middle ++ tail

      true ->
        {head, rest} = Enum.split(list, first)
        {moved, rest} = Enum.split(rest, last - first + 1)
        {middle, tail} = Enum.split(rest, insertion - last)
        head ++ middle ++ moved ++ tail
    end
  end

  defp index_in(i, count) when i < 0, do: Kernel.max(count + i, 0)
  defp index_in(i, _count), do: i

  def count_until(enumerable, limit) when is_integer(limit) and limit > 0 do
    Enum.reduce_while(enumerable, 0, fn _, n ->
      if n + 1 >= limit, do: {:halt, n + 1}, else: {:cont, n + 1}
    end)
  end

  def count_until(enumerable, fun, limit) when is_integer(limit) and limit > 0 do
    Enum.reduce_while(enumerable, 0, fn x, n ->
      cond do
        !fun.(x) -> {:cont, n}
        n + 1 >= limit -> {:halt, n + 1}
        true -> {:cont, n + 1}
      end
    end)
  end

  def drop_every(enumerable, 0), do: Enum.to_list(enumerable)

  def drop_every(enumerable, nth) when is_integer(nth) and nth > 0 do
    enumerable
    |> Enum.with_index()
    |> Enum.reject(fn {_, i} -> rem(i, nth) == 0 end)
    |> Enum.map(fn {x, _} -> x end)
  end

  def map_every(enumerable, 0, _fun), do: Enum.to_list(enumerable)

  def map_every(enumerable, nth, fun) when is_integer(nth) and nth > 0 do
    enumerable
    |> Enum.with_index()
    |> Enum.map(fn {x, i} -> if rem(i, nth) == 0, do: fun.(x), else: x end)
  end

  def split_while(enumerable, fun),
    do: {Enum.take_while(enumerable, fun), Enum.drop_while(enumerable, fun)}

  def find(enumerable, default, fun) do
    Enum.reduce_while(enumerable, default, fn x, acc ->
      if fun.(x), do: {:halt, x}, else: {:cont, acc}
    end)
  end

  def find_value(enumerable, default, fun) do
    Enum.reduce_while(enumerable, default, fn x, acc ->
      if value = fun.(x), do: {:halt, value}, else: {:cont, acc}
    end)
  end

  def flat_map_reduce(enumerable, acc, fun) do
    {lists, acc} =
      Enum.reduce_while(enumerable, {[], acc}, fn x, {lists, acc} ->
        case fun.(x, acc) do
          {:halt, acc} -> {:halt, {lists, acc}}
          {list, acc} -> {:cont, {[list | lists], acc}}
        end
      end)

    {lists |> Enum.reverse() |> Enum.concat(), acc}
  end

  def chunk_while(enumerable, acc, chunk_fun, after_fun) do
    {chunks, acc} =
      Enum.reduce_while(enumerable, {[], acc}, fn x, {chunks, acc} ->
        case chunk_fun.(x, acc) do
          {:cont, chunk, acc} -> {:cont, {[chunk | chunks], acc}}
          {:cont, acc} -> {:cont, {chunks, acc}}
          {:halt, acc} -> {:halt, {chunks, acc}}
        end
      end)

    case after_fun.(acc) do
      {:cont, chunk, _} -> Enum.reverse([chunk | chunks])
      {:cont, _} -> Enum.reverse(chunks)
    end
  end

  def reverse_slice(enumerable, start, count) do
    {before, rest} = enumerable |> Enum.to_list() |> Enum.split(start)
    {middle, tail} = Enum.split(rest, count)
    before ++ Enum.reverse(middle) ++ tail
  end

  def map_intersperse(enumerable, separator, fun),
    do: enumerable |> Enum.map(fun) |> Enum.intersperse(separator)

  def zip_with(enumerables, fun),
    do: enumerables |> Enum.zip() |> Enum.map(fn t -> fun.(Tuple.to_list(t)) end)

  def zip_reduce(enumerables, acc, fun) do
    enumerables |> Enum.zip() |> Enum.reduce(acc, fn t, acc -> fun.(Tuple.to_list(t), acc) end)
  end

  def zip_reduce(left, right, acc, fun) do
    left |> Enum.zip(right) |> Enum.reduce(acc, fn {x, y}, acc -> fun.(x, y, acc) end)
  end
end

defmodule List do
  def foldl(list, acc, fun) when is_list(list) and is_function(fun), do: Enum.reduce(list, acc, fun)

  def foldr(list, acc, fun) when is_list(list) and is_function(fun),
    do: Enum.reduce(Enum.reverse(list), acc, fun)

  def update_at(list, index, fun) when is_list(list) and is_function(fun) and is_integer(index) do
    at = if index < 0, do: Kernel.length(list) + index, else: index

    if at < 0 or at >= Kernel.length(list),
      do: list,
      else: List.replace_at(list, at, fun.(Enum.at(list, at)))
  end

  def starts_with?(list, prefix) when is_list(list) and is_list(prefix),
    do: Enum.take(list, length(prefix)) == prefix

  def flatten(list, tail) when is_list(list) and is_list(tail), do: List.flatten(list) ++ tail

  # length/1 fails in the guard on an improper list, so the second clause answers
  def improper?(list) when is_list(list) and length(list) >= 0, do: false
  def improper?(list) when is_list(list), do: true

  def to_charlist(list) when is_list(list), do: String.to_charlist(List.to_string(list))
  def to_existing_atom(list) when is_list(list), do: List.to_atom(list)
  def to_float(list) when is_list(list), do: String.to_float(List.to_string(list))

  def keyfind(list, key, position, default) do
    case List.keyfind(list, key, position) do
      nil -> default
      tuple -> tuple
    end
  end

  def ascii_printable?(list), do: ascii_printable?(list, :infinity)

  def ascii_printable?(list, limit)
      when is_list(list) and (limit == :infinity or (is_integer(limit) and limit >= 0)),
      do: ascii_printable_upto(list, limit)

  defp ascii_printable_upto(_, 0), do: true
  defp ascii_printable_upto([], _), do: true

  defp ascii_printable_upto([c | rest], n)
       when is_integer(c) and ((c >= 32 and c <= 126) or c in [?\n, ?\r, ?\t, ?\v, ?\b, ?\f, ?\e, ?\d, ?\a]),
       do: ascii_printable_upto(rest, if(n == :infinity, do: n, else: n - 1))

  defp ascii_printable_upto(_, _), do: false

  # Myers' O(ND) difference: for each number of edits d, the furthest-reaching path on
  # each diagonal k, as {items of a consumed, rest of a, rest of b, edits in reverse}.
  def myers_difference(a, b) when is_list(a) and is_list(b), do: myers_difference(a, b, nil)

  def myers_difference(a, b, script) when is_list(a) and is_list(b) do
    case myers_snake({0, a, b, []}) do
      {_, [], [], edits} -> myers_compact(Enum.reverse(edits), script)
      start -> myers_step(%{0 => start}, 1, script)
    end
  end

  defp myers_step(paths, d, script) do
    result =
      Enum.reduce_while(-d..d//2, %{}, fn k, next ->
        down = myers_down(Map.get(paths, k + 1))
        right = myers_right(Map.get(paths, k - 1))

        path =
          cond do
            down == nil -> right
            right == nil -> down
            k == -d or (k != d and elem(right, 0) - 1 < elem(down, 0)) -> down
            true -> right
          end

        case path && myers_snake(path) do
          nil -> {:cont, next}
          {_, [], [], edits} -> {:halt, {:done, edits}}
          path -> {:cont, Map.put(next, k, path)}
        end
      end)

    case result do
      {:done, edits} -> myers_compact(Enum.reverse(edits), script)
      next -> myers_step(next, d + 1, script)
    end
  end

  defp myers_down({x, a, [h | b], edits}), do: {x, a, b, [{:ins, h} | edits]}
  defp myers_down(_), do: nil
  defp myers_right({x, [h | a], b, edits}), do: {x + 1, a, b, [{:del, h} | edits]}
  defp myers_right(_), do: nil

  defp myers_snake({x, [h | a], [h | b], edits}), do: myers_snake({x + 1, a, b, [{:eq, h} | edits]})
  defp myers_snake(path), do: path

  # edits grouped by kind; with a script, a group of deletions followed by a group of
  # insertions is paired item by item, and each pair the script answers for is a :diff
  defp myers_compact(edits, script) do
    groups = Enum.reduce(edits, [], fn {op, x}, acc -> myers_push(acc, op, x) end)

    if script == nil,
      do: Enum.reverse(groups),
      else: myers_pair(Enum.reverse(groups), script, [])
  end

  defp myers_pair([], _script, acc), do: Enum.reverse(acc)

  defp myers_pair([{:del, dels}, {:ins, inss} | rest], script, acc) do
    n = min(length(dels), length(inss))

    paired =
      Enum.zip(dels, inss)
      |> Enum.flat_map(fn {d, i} ->
        case script.(d, i) do
          nil -> [{:del, [d]}, {:ins, [i]}]
          diff -> [{:diff, diff}]
        end
      end)

    left =
      [{:del, Enum.drop(dels, n)}, {:ins, Enum.drop(inss, n)}]
      |> Enum.reject(fn {_, xs} -> xs == [] end)

    myers_pair(rest, script, Enum.reverse(paired ++ left, acc))
  end

  defp myers_pair([group | rest], script, acc), do: myers_pair(rest, script, [group | acc])

  defp myers_push([{op, xs} | acc], op, x), do: [{op, xs ++ [x]} | acc]
  defp myers_push(acc, op, x), do: [{op, [x]} | acc]

  def keymember?(list, key, position), do: List.keyfind(list, key, position) != nil

  def keyfind!(list, key, position) do
    case List.keyfind(list, key, position) do
      nil ->
        raise KeyError,
          message: "key #{inspect(key)} at position #{position} not found in: #{inspect(list)}"

      tuple ->
        tuple
    end
  end

  def keytake(list, key, position) do
    case List.keyfind(list, key, position) do
      nil -> nil
      tuple -> {tuple, List.keydelete(list, key, position)}
    end
  end

  def keyreplace(list, key, position, new) do
    {_, out} =
      Enum.reduce(list, {false, []}, fn item, {done, acc} ->
        if not done and is_tuple(item) and tuple_size(item) > position and
             elem(item, position) == key do
          {true, [new | acc]}
        else
          {done, [item | acc]}
        end
      end)

    Enum.reverse(out)
  end

  def keystore(list, key, position, new) do
    if List.keymember?(list, key, position),
      do: List.keyreplace(list, key, position, new),
      else: list ++ [new]
  end

  def keysort(list, position), do: keysort(list, position, :asc)

  def keysort(list, position, sorter),
    do: Enum.sort_by(list, fn t -> elem(t, position) end, sorter)

  def pop_at(list, index), do: pop_at(list, index, nil)

  def pop_at(list, index, default) do
    i = if index < 0, do: length(list) + index, else: index

    if i >= 0 and i < length(list) do
      {Enum.at(list, i), List.delete_at(list, i)}
    else
      {default, list}
    end
  end
end
