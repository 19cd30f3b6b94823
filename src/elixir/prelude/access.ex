# Access written in the Elixir the console speaks: the functions on keys (`Access.get/3`,
# `fetch/2`, `pop/2`…), the accessors a path of `get_in` and friends may hold
# (`Access.all/0`, `at/1`, `key/2`, `elem/1`, `filter/1`, `slice/1`), and the walk along such
# a path (Kernel's `get_in`, `put_in`, `update_in`, `get_and_update_in` and `pop_in` come here
# when a path holds an accessor). Written for this project from the documented behaviour.

defmodule Access do
  def fetch(%{} = map, key), do: Map.fetch(map, key)
  def fetch(list, key) when is_list(list) and is_atom(key), do: Keyword.fetch(list, key)
  def fetch(nil, _key), do: :error

  def fetch!(container, key) do
    case fetch(container, key) do
      {:ok, value} -> value
      :error -> raise KeyError, key: key, term: container
    end
  end

  def get(container, key), do: get(container, key, nil)

  def get(container, key, default) do
    case fetch(container, key) do
      {:ok, value} -> value
      :error -> default
    end
  end

  def get_and_update(%{} = map, key, fun), do: Map.get_and_update(map, key, fun)

  def get_and_update(list, key, fun) when is_list(list),
    do: Keyword.get_and_update(list, key, fun)

  def get_and_update(nil, key, _fun),
    do: raise(ArgumentError, "could not put/update key #{inspect(key)} on a nil value")

  def pop(%{} = map, key), do: Map.pop(map, key)
  def pop(list, key) when is_list(list), do: Keyword.pop(list, key)
  def pop(nil, _key), do: {nil, nil}

  def key(key), do: key(key, nil)

  def key(key, default) do
    fn
      :get, data, next ->
        next.(Map.get(data || %{}, key, default))

      :get_and_update, data, next ->
        value = Map.get(data || %{}, key, default)

        case next.(value) do
          {get, update} -> {get, Map.put(data || %{}, key, update)}
          :pop -> {value, Map.delete(data || %{}, key)}
        end
    end
  end

  def key!(key) do
    fn
      :get, %{} = data, next ->
        next.(Map.fetch!(data, key))

      :get_and_update, %{} = data, next ->
        value = Map.fetch!(data, key)

        case next.(value) do
          {get, update} -> {get, Map.put(data, key, update)}
          :pop -> {value, Map.delete(data, key)}
        end

      _, data, _ ->
        raise "Access.key!/1 expected a map/struct, got: #{inspect(data)}"
    end
  end

  def elem(index) when is_integer(index) and index >= 0 do
    pos = index + 1

    fn
      :get, data, next when is_tuple(data) ->
        next.(:erlang.element(pos, data))

      :get_and_update, data, next when is_tuple(data) ->
        value = :erlang.element(pos, data)

        case next.(value) do
          {get, update} -> {get, :erlang.setelement(pos, data, update)}
          :pop -> raise "cannot pop data from a tuple"
        end

      _, data, _ ->
        raise "Access.elem/1 expected a tuple, got: #{inspect(data)}"
    end
  end

  def all do
    fn
      :get, data, next when is_list(data) ->
        Enum.map(data, next)

      :get_and_update, data, next when is_list(data) ->
        each(data, fn _ -> true end, next)

      _, data, _ ->
        raise "Access.all/0 expected a list, got: #{inspect(data)}"
    end
  end

  def filter(fun) when is_function(fun, 1) do
    fn
      :get, data, next when is_list(data) ->
        data |> Enum.filter(fun) |> Enum.map(next)

      :get_and_update, data, next when is_list(data) ->
        each(data, fn {x, _} -> fun.(x) end, next)

      _, data, _ ->
        raise "Access.filter/1 expected a list, got: #{inspect(data)}"
    end
  end

  def at(index) when is_integer(index), do: at(index, false)
  def at!(index) when is_integer(index), do: at(index, true)

  defp at(index, strict) do
    fn
      :get, data, next when is_list(data) ->
        case position(data, index, strict) do
          nil -> next.(nil)
          i -> next.(Enum.at(data, i))
        end

      :get_and_update, data, next when is_list(data) ->
        case position(data, index, strict) do
          nil ->
            {nil, data}

          i ->
            value = Enum.at(data, i)

            case next.(value) do
              {get, update} -> {get, List.replace_at(data, i, update)}
              :pop -> {value, List.delete_at(data, i)}
            end
        end

      _, data, _ ->
        raise "Access.at/1 expected a list, got: #{inspect(data)}"
    end
  end

  def slice(%Range{step: step} = range) when step < 0,
    do: raise(ArgumentError, "Access.slice/1 does not accept ranges with negative steps, got: #{inspect(range)}")

  def slice(%Range{} = range) do
    fn
      :get, data, next when is_list(data) ->
        data |> Enum.slice(range) |> Enum.map(next)

      :get_and_update, data, next when is_list(data) ->
        picked = Enum.slice(Enum.to_list(0..(length(data) - 1)//1), range)
        each(data, fn {_, j} -> j in picked end, next)

      _, data, _ ->
        raise ArgumentError, "Access.slice/1 expected a list, got: #{inspect(data)}"
    end
  end

  defp position(data, index, strict) do
    i = if index < 0, do: length(data) + index, else: index

    cond do
      i >= 0 and i < length(data) -> i
      strict -> raise Enum.OutOfBoundsError, "out of bounds error"
      true -> nil
    end
  end

  # get and update the items `pick.({item, index})` chooses: {gets, the list updated}
  defp each(data, pick, next) do
    {gets, items} =
      data
      |> Enum.with_index()
      |> Enum.reduce({[], []}, fn {x, i}, {gets, items} ->
        picked = if is_function(pick, 1), do: pick.({x, i}), else: true

        if picked do
          case next.(x) do
            {get, update} -> {[get | gets], [update | items]}
            :pop -> {[x | gets], items}
          end
        else
          {gets, [x | items]}
        end
      end)

    {Enum.reverse(gets), Enum.reverse(items)}
  end

  # Kernel's functions on paths, for a path that holds an accessor
  def __get_in__(nil, _keys), do: nil
  def __get_in__(data, []), do: data
  def __get_in__(data, [key]) when is_function(key), do: key.(:get, data, fn x -> x end)
  def __get_in__(data, [key | rest]) when is_function(key), do: key.(:get, data, &__get_in__(&1, rest))
  def __get_in__(data, [key]), do: Access.get(data, key)
  def __get_in__(data, [key | rest]), do: __get_in__(Access.get(data, key), rest)

  def __get_and_update_in__(data, [key], fun) when is_function(key),
    do: key.(:get_and_update, data, fun)

  def __get_and_update_in__(data, [key | rest], fun) when is_function(key),
    do: key.(:get_and_update, data, &__get_and_update_in__(&1, rest, fun))

  def __get_and_update_in__(data, [key], fun), do: Access.get_and_update(data, key, fun)

  def __get_and_update_in__(data, [key | rest], fun),
    do: Access.get_and_update(data, key, &__get_and_update_in__(&1, rest, fun))

  def __update_in__(data, keys, fun),
    do: :erlang.element(2, __get_and_update_in__(data, keys, fn x -> {nil, fun.(x)} end))

  def __put_in__(data, keys, value), do: __update_in__(data, keys, fn _ -> value end)

  # a key missing on the way pops nothing and leaves the data as it was
  def __pop_in__(nil, [_ | _]), do: {nil, nil}
  def __pop_in__(data, [key]) when is_function(key), do: key.(:get_and_update, data, fn _ -> :pop end)
  def __pop_in__(data, [key | rest]) when is_function(key), do: key.(:get_and_update, data, &pop_step(&1, rest))
  def __pop_in__(data, [key]), do: Access.pop(data, key)
  def __pop_in__(data, [key | rest]), do: Access.get_and_update(data, key, &pop_step(&1, rest))

  # `pop_in(data[:a].b)`, `get_and_update_in(data.a[:b], fun)`: the path as written, each
  # step `{key, field?}` (a field is `key!`'s: it must be there)
  def __path_in__(:pop_in, data, steps) do
    case List.last(steps) do
      {key, true} ->
        raise ArgumentError,
              "cannot use pop_in when the last segment is a map/struct field. " <>
                "This would effectively remove the field #{inspect(key)} from the map/struct"

      _ ->
        __pop_in__(data, path_keys(steps))
    end
  end

  def __path_in__(:get_and_update_in, data, steps, fun),
    do: __get_and_update_in__(data, path_keys(steps), fun)

  defp path_keys(steps), do: Enum.map(steps, fn {key, true} -> key!(key); {key, false} -> key end)

  defp pop_step(nil, _rest), do: :pop
  defp pop_step(value, rest), do: __pop_in__(value, rest)
end
