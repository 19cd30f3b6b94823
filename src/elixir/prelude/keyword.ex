# Keyword's functions written in the Elixir the console speaks, over the native ones
# (`Keyword.fetch`, `Keyword.delete`, `List.keyfind`…, which a call falls back to when this
# module does not define them). Written for this project from the documented behaviour.

defmodule Keyword do
  def new(pairs) do
    # the last value of a key wins, in the place of its last appearance
    pairs |> Enum.reverse() |> Enum.uniq_by(&key_of/1) |> Enum.reverse()
  end

  def new(enumerable, transform), do: enumerable |> Enum.map(transform) |> Keyword.new()

  def keys(keywords), do: Enum.map(keywords, &key_of/1)

  def from_keys(keys, value), do: Enum.map(keys, fn key -> {key, value} end)

  def filter(keywords, fun), do: Enum.filter(keywords, fun)

  def reject(keywords, fun), do: Enum.reject(keywords, fun)

  def equal?(left, right), do: Enum.sort(left) === Enum.sort(right)

  def split(keywords, keys) do
    {Enum.filter(keywords, fn {k, _} -> k in keys end),
     Enum.reject(keywords, fn {k, _} -> k in keys end)}
  end

  def delete_first(keywords, key), do: List.keydelete(keywords, key, 0)

  def merge(left, right) do
    unless Keyword.keyword?(left) do
      raise ArgumentError, "expected a keyword list as the first argument, got: #{inspect(left)}"
    end

    unless Keyword.keyword?(right) do
      raise ArgumentError,
            "expected a keyword list as the second argument, got: #{inspect(right)}"
    end

    keys = Enum.map(right, fn {k, _} -> k end)
    Enum.reject(left, fn {k, _} -> k in keys end) ++ right
  end

  @doc "The value for `key`, or what `fun.()` answers when there is none (called only then)."
  def get_lazy(keywords, key, fun) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> value
      :error -> fun.()
    end
  end

  def put_new_lazy(keywords, key, fun) do
    if Keyword.has_key?(keywords, key), do: keywords, else: [{key, fun.()} | keywords]
  end

  @doc "Returns the first value for `key` and the keyword list without any entry for it (or `default`, nil unless given, and the list unchanged). Keyword.pop([a: 1, b: 2], :a) is {1, [b: 2]}."
  def pop(keywords, key), do: pop(keywords, key, nil)

  def pop(keywords, key, default) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> {value, Keyword.delete(keywords, key)}
      :error -> {default, keywords}
    end
  end

  @doc "As `pop/2`, but raises KeyError when `key` is not there."
  def pop!(keywords, key) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> {value, Keyword.delete(keywords, key)}
      :error -> raise KeyError, key: key, term: keywords
    end
  end

  def pop_lazy(keywords, key, fun) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> {value, Keyword.delete(keywords, key)}
      :error -> {fun.(), keywords}
    end
  end

  @doc "Returns the first value for `key` and the list without that one entry. Keyword.pop_first([a: 1, a: 2], :a) is {1, [a: 2]}."
  def pop_first(keywords, key), do: pop_first(keywords, key, nil)

  def pop_first(keywords, key, default) do
    case List.keyfind(keywords, key, 0) do
      {_, value} -> {value, List.keydelete(keywords, key, 0)}
      nil -> {default, keywords}
    end
  end

  def pop_values(keywords, key) do
    {Keyword.get_values(keywords, key), Keyword.delete(keywords, key)}
  end

  def replace(keywords, key, value) do
    if Keyword.has_key?(keywords, key), do: put_first(keywords, key, value), else: keywords
  end

  def replace!(keywords, key, value) do
    if Keyword.has_key?(keywords, key) do
      put_first(keywords, key, value)
    else
      raise KeyError, key: key, term: keywords
    end
  end

  def replace_lazy(keywords, key, fun) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> put_first(keywords, key, fun.(value))
      :error -> keywords
    end
  end

  @doc "Updates the first value of `key` with `fun` (later entries of that key go), or appends {key, default}."
  def update(keywords, key, default, fun) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> put_first(keywords, key, fun.(value))
      :error -> keywords ++ [{key, default}]
    end
  end

  def update!(keywords, key, fun) do
    case Keyword.fetch(keywords, key) do
      {:ok, value} -> put_first(keywords, key, fun.(value))
      :error -> raise KeyError, key: key, term: keywords
    end
  end

  @doc "Calls `fun` with the current value of `key` (or nil): it answers {value to return, new value}, or :pop to remove the key."
  def get_and_update(keywords, key, fun) do
    case Keyword.fetch(keywords, key) do
      {:ok, current} -> updated(keywords, key, current, fun.(current))
      :error -> updated(keywords, key, nil, fun.(nil))
    end
  end

  def get_and_update!(keywords, key, fun) do
    case Keyword.fetch(keywords, key) do
      {:ok, current} -> updated(keywords, key, current, fun.(current))
      :error -> raise KeyError, key: key, term: keywords
    end
  end

  @doc "Merges two keyword lists; `fun.(key, left_value, right_value)` decides a key both have."
  def merge(left, right, fun) do
    unless Keyword.keyword?(right) do
      raise ArgumentError,
            "expected a keyword list as the second argument, got: #{inspect(right)}"
    end

    {rest, merged} =
      Enum.reduce(right, {left, []}, fn {k, v2}, {rest, acc} ->
        case List.keyfind(rest, k, 0) do
          {_, v1} -> {List.keydelete(rest, k, 0), [{k, fun.(k, v1, v2)} | acc]}
          nil -> {rest, [{k, v2} | acc]}
        end
      end)

    rest ++ Enum.reverse(merged)
  end

  @doc "Checks that `keywords` has only the keys `values` allows (atoms, or {key, default}), each once, and adds the defaults: {:ok, keywords} or {:error, bad_keys}."
  def validate(keywords, values) do
    case problems(keywords, values) do
      {[], []} -> {:ok, with_defaults(keywords, values)}
      {[], duplicates} -> {:error, duplicates}
      {unknown, _} -> {:error, unknown}
    end
  end

  def validate!(keywords, values) do
    case problems(keywords, values) do
      {[], []} ->
        with_defaults(keywords, values)

      {[], duplicates} ->
        raise ArgumentError,
              "duplicate keys #{inspect(duplicates)} in #{inspect(keywords)}"

      {unknown, _} ->
        allowed = Enum.map(values, fn {k, _} -> k; k -> k end)

        raise ArgumentError,
              "unknown keys #{inspect(unknown)} in #{inspect(keywords)}, the allowed keys are: #{inspect(allowed)}"
    end
  end

  # The keys `keywords` has that `values` does not allow (newest first), and those it has
  # twice.
  defp problems(keywords, values) do
    allowed = Enum.map(values, fn {k, _} -> k; k -> k end)

    {unknown, _, duplicates} =
      Enum.reduce(keywords, {[], [], []}, fn {k, _}, {unknown, seen, duplicates} ->
        cond do
          k not in allowed -> {[k | unknown], seen, duplicates}
          k in seen -> {unknown, seen, duplicates ++ [k]}
          true -> {unknown, [k | seen], duplicates}
        end
      end)

    {unknown, Enum.uniq(duplicates)}
  end

  defp with_defaults(keywords, values) do
    Enum.reduce(values, keywords, fn
      {k, default}, acc -> if Keyword.has_key?(acc, k), do: acc, else: [{k, default} | acc]
      _, acc -> acc
    end)
  end

  defp updated(keywords, key, current, answer) do
    case answer do
      {get, new} ->
        if Keyword.has_key?(keywords, key) do
          {get, put_first(keywords, key, new)}
        else
          {get, [{key, new} | keywords]}
        end

      :pop ->
        {current, Keyword.delete(keywords, key)}

      other ->
        raise "the given function must return a two-element tuple or :pop, got: #{inspect(other)}"
    end
  end

  # `key`'s first entry takes `value`; its later entries go.
  defp put_first(keywords, key, value) do
    {_, out} =
      Enum.reduce(keywords, {false, []}, fn
        {^key, _}, {false, acc} -> {true, [{key, value} | acc]}
        {^key, _}, {true, acc} -> {true, acc}
        pair, {done, acc} -> {done, [pair | acc]}
      end)

    Enum.reverse(out)
  end

  defp key_of({key, _}) when is_atom(key), do: key

  defp key_of(other) do
    raise ArgumentError,
          "expected a keyword list, but an entry in the list is not a two-element tuple with an atom as its first element, got: #{inspect(other)}"
  end
end
