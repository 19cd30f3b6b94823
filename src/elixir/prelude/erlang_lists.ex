# Erlang's :lists and :string as the guides and Erlang's docs use them, written for this
# console over Enum and String (the natives: stdlib/list.rs). Erlang's argument order: the
# function first. Fixture tests/fixtures/iex/erlang_lists_string.exs.

defmodule :lists do
  def map(fun, list), do: Enum.map(list, fun)
  def filter(pred, list), do: Enum.filter(list, pred)
  def foldl(fun, acc, list), do: List.foldl(list, acc, fun)
  def foldr(fun, acc, list), do: List.foldr(list, acc, fun)

  def foreach(fun, list) do
    Enum.each(list, fun)
    :ok
  end

  def all(pred, list), do: Enum.all?(list, pred)
  def any(pred, list), do: Enum.any?(list, pred)
  def member(elem, list), do: Enum.any?(list, &(&1 === elem))
  def keyfind(key, n, list), do: Enum.find(list, false, &key_at?(&1, n, key))
  def keymember(key, n, list), do: Enum.any?(list, &key_at?(&1, n, key))

  def keystore(key, n, list, new) do
    case Enum.find_index(list, &key_at?(&1, n, key)) do
      nil -> list ++ [new]
      i -> List.replace_at(list, i, new)
    end
  end

  def keyreplace(key, n, list, new) do
    case Enum.find_index(list, &key_at?(&1, n, key)) do
      nil -> list
      i -> List.replace_at(list, i, new)
    end
  end

  def keydelete(key, n, list) do
    case Enum.find_index(list, &key_at?(&1, n, key)) do
      nil -> list
      i -> List.delete_at(list, i)
    end
  end

  def keytake(key, n, list) do
    case Enum.find_index(list, &key_at?(&1, n, key)) do
      nil -> false
      i -> {:value, Enum.at(list, i), List.delete_at(list, i)}
    end
  end

  def keysort(n, list), do: Enum.sort_by(list, &elem(&1, n - 1))
  def ukeysort(n, list), do: list |> keysort(n) |> Enum.dedup_by(&elem(&1, n - 1))
  def usort(list), do: list |> Enum.sort() |> Enum.dedup()
  def sort(fun, list), do: Enum.sort(list, fun)
  def zip(a, b), do: Enum.zip(a, b)
  def zip3(a, b, c), do: Enum.zip([a, b, c])
  def unzip(list), do: Enum.unzip(list)
  def duplicate(n, elem), do: List.duplicate(elem, n)
  def delete(elem, list), do: List.delete(list, elem)
  def subtract(a, b), do: a -- b
  def sublist(list, len), do: Enum.take(list, len)
  def sublist(list, start, len), do: Enum.slice(list, start - 1, len)
  def nthtail(n, list), do: Enum.drop(list, n)
  def seq(from, to, incr), do: Enum.to_list(from..to//incr)
  def reverse(list, tail), do: Enum.reverse(list, tail)
  def concat(things), do: Enum.flat_map(things, &concat_part/1)
  def flatmap(fun, list), do: Enum.flat_map(list, fun)
  def partition(pred, list), do: Enum.split_with(list, pred)
  def splitwith(pred, list), do: Enum.split_while(list, pred)
  def split(n, list), do: Enum.split(list, n)
  def takewhile(pred, list), do: Enum.take_while(list, pred)
  def dropwhile(pred, list), do: Enum.drop_while(list, pred)
  def mapfoldl(fun, acc, list), do: Enum.map_reduce(list, acc, fun)

  def mapfoldr(fun, acc, list) do
    {mapped, acc} = list |> Enum.reverse() |> Enum.map_reduce(acc, fun)
    {Enum.reverse(mapped), acc}
  end

  def merge(a, b), do: Enum.sort(a ++ b)
  def umerge(a, b), do: usort(a ++ b)
  def prefix(a, b), do: List.starts_with?(b, a)
  def suffix(a, b), do: length(a) <= length(b) and Enum.take(b, -length(a)) === a
  def enumerate(list), do: Enum.with_index(list, fn x, i -> {i + 1, x} end)

  def filtermap(fun, list) do
    Enum.flat_map(list, fn x ->
      case fun.(x) do
        true -> [x]
        {true, value} -> [value]
        false -> []
      end
    end)
  end

  def droplast(list), do: Enum.drop(list, -1)
  def join(sep, list), do: Enum.intersperse(list, sep)

  def search(pred, list) do
    case Enum.find(list, :"$none", pred) do
      :"$none" -> false
      x -> {:value, x}
    end
  end

  def uniq(list), do: Enum.uniq(list)
  def append(lists), do: Enum.concat(lists)
  def append(a, b), do: a ++ b
  def sum(list), do: Enum.sum(list)
  def last([_ | _] = list), do: List.last(list)

  defp key_at?(tuple, n, key) when is_tuple(tuple) and tuple_size(tuple) >= n, do: elem(tuple, n - 1) == key
  defp key_at?(_, _, _), do: false

  defp concat_part(a) when is_atom(a), do: Atom.to_charlist(a)
  defp concat_part(i) when is_integer(i), do: Integer.to_charlist(i)
  defp concat_part(f) when is_float(f), do: Float.to_charlist(f)
  defp concat_part(l) when is_list(l), do: l
end

defmodule :string do
  # the result in the input's kind: a charlist for a charlist, else a binary
  defp back(result, input) when is_list(input) and is_binary(result), do: String.to_charlist(result)
  defp back(result, _input), do: result
  defp bin(data) when is_binary(data), do: data
  defp bin(data) when is_list(data), do: List.to_string(data)

  def length(s), do: String.length(bin(s))
  def to_upper(s) when is_list(s), do: s |> List.to_string() |> String.upcase() |> String.to_charlist()
  def to_upper(c) when is_integer(c), do: hd(to_upper([c]))
  def to_lower(s) when is_list(s), do: s |> List.to_string() |> String.downcase() |> String.to_charlist()
  def to_lower(c) when is_integer(c), do: hd(to_lower([c]))
  def uppercase(s), do: s |> bin() |> String.upcase() |> back(s)
  def lowercase(s), do: s |> bin() |> String.downcase() |> back(s)
  def titlecase(s), do: s |> bin() |> titlecase_first() |> back(s)
  def casefold(s), do: lowercase(s)
  def reverse(s), do: s |> bin() |> String.reverse() |> String.to_charlist()
  def is_empty(s), do: bin(s) == ""
  def equal(a, b), do: bin(a) == bin(b)
  def chomp(s), do: s |> bin() |> String.replace_suffix("\n", "") |> String.replace_suffix("\r", "") |> back(s)

  def trim(s), do: trim(s, :both)
  def trim(s, dir), do: trim(s, dir, [?\s, ?\t, ?\n, ?\r, ?\v, ?\f])

  def trim(s, dir, chars) do
    chars = if is_list(chars), do: chars, else: [chars]
    drop = fn g -> g in Enum.map(chars, &<<&1::utf8>>) end
    graphemes = String.graphemes(bin(s))

    graphemes =
      if dir in [:leading, :both], do: Enum.drop_while(graphemes, drop), else: graphemes

    graphemes =
      if dir in [:trailing, :both],
        do: graphemes |> Enum.reverse() |> Enum.drop_while(drop) |> Enum.reverse(),
        else: graphemes

    graphemes |> Enum.join() |> back(s)
  end

  def split(s, sep), do: split(s, sep, :leading)

  def split(s, sep, where) do
    str = bin(s)

    parts =
      case where do
        :all -> String.split(str, bin(sep))
        :leading -> String.split(str, bin(sep), parts: 2)
        :trailing -> split_trailing(str, bin(sep))
      end

    Enum.map(parts, &back(&1, s))
  end

  defp split_trailing(str, sep) do
    case :binary.matches(str, sep) do
      [] ->
        [str]

      matches ->
        {at, len} = List.last(matches)
        [binary_part(str, 0, at), binary_part(str, at + len, byte_size(str) - at - len)]
    end
  end

  def slice(s, start), do: s |> bin() |> String.slice(start..-1//1) |> back(s)
  def slice(s, start, len), do: s |> bin() |> String.slice(start, len) |> back(s)

  def lexemes(s, seps) when is_list(seps) do
    seps = Enum.map(seps, &<<&1::utf8>>)

    s
    |> bin()
    |> String.split(seps, trim: true)
    |> Enum.map(&back(&1, s))
  end

  def find(s, pattern), do: find(s, pattern, :leading)

  def find(s, pattern, dir) do
    str = bin(s)
    pat = bin(pattern)

    found =
      case dir do
        :leading -> :binary.match(str, pat)
        :trailing -> str |> :binary.matches(pat) |> List.last()
      end

    case found do
      {at, _} -> str |> binary_part(at, byte_size(str) - at) |> back(s)
      _ -> :nomatch
    end
  end

  def replace(s, pattern, replacement), do: replace(s, pattern, replacement, :leading)

  def replace(s, pattern, replacement, where) do
    s
    |> split(pattern, where)
    |> Enum.intersperse(replacement)
  end

  def prefix(s, prefix) do
    str = bin(s)
    pre = bin(prefix)

    if String.starts_with?(str, pre),
      do: str |> binary_part(byte_size(pre), byte_size(str) - byte_size(pre)) |> back(s),
      else: :nomatch
  end

  def pad(s, len), do: pad(s, len, :trailing, ?\s)
  def pad(s, len, dir), do: pad(s, len, dir, ?\s)

  def pad(s, len, dir, char) do
    fill = List.duplicate(char, max(len - __MODULE__.length(s), 0))

    case dir do
      :trailing -> [s | fill]
      :leading -> [fill | s]
      :both -> [Enum.take(fill, div(Kernel.length(fill), 2)), s | Enum.drop(fill, div(Kernel.length(fill), 2))]
    end
  end

  def to_integer(s) do
    case Integer.parse(bin(s)) do
      {i, rest} -> {i, back(rest, s)}
      :error -> {:error, :no_integer}
    end
  end

  def to_float(s) do
    str = bin(s)

    case Regex.run(~r/^[+-]?\d+\.\d+([eE][+-]?\d+)?/, str) do
      [num | _] -> {String.to_float(num), back(binary_part(str, byte_size(num), byte_size(str) - byte_size(num)), s)}
      nil -> {:error, :no_float}
    end
  end

  def next_grapheme(s) do
    case String.next_grapheme(bin(s)) do
      {<<c::utf8>>, rest} -> [c | back(rest, s)]
      {g, rest} -> [String.to_charlist(g) | back(rest, s)]
      nil -> []
    end
  end

  def join(strings, sep), do: strings |> Enum.intersperse(sep) |> Enum.concat()
  def tokens(s, seps), do: lexemes(s, seps)
  def copies(s, n) when is_list(s), do: s |> List.duplicate(n) |> Enum.concat()
  def chars(c, n), do: List.duplicate(c, n)

  # only the first grapheme changes (String.capitalize also lowercases the rest)
  defp titlecase_first(str) do
    {first, rest} = String.split_at(str, 1)
    String.upcase(first) <> rest
  end
end

defmodule IO do
  def chardata_to_string(data) when is_binary(data), do: data
  def chardata_to_string(data) when is_list(data), do: List.to_string(data)
end
